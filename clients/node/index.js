'use strict';

// jrq-client: a producer of jrq jobs for Node.js (wire protocol 1, docs/PROTOCOL.md).

const { Client, connect, redactUrl } = require('./lib/client');
const errors = require('./lib/errors');
const p = require('./lib/protocol');
const json = require('./lib/json');

module.exports = {
    connect,
    Client,
    redactUrl,
    PROTOCOL_VERSION: p.PROTOCOL_VERSION,
    ...errors,
    checkQueueName: p.checkQueueName,
    checkFunctionName: p.checkFunctionName,
    checkJobId: p.checkJobId,
    isHandlerName: p.isHandlerName,
    isMethodName: p.isMethodName,
    newId: p.newId,
    /** The pure protocol layer: keys, envelopes and script calls, for tools and tests. */
    protocol: {
        normalizeOptions: p.normalizeOptions,
        envelope: p.envelope,
        checkSize: p.checkSize,
        keys: p.keys,
        enqueueCall: p.enqueueCall,
        dependCall: p.dependCall,
        releaseCall: p.releaseCall,
        cancelCall: p.cancelCall,
        jobRecord: p.jobRecord,
        toJson: json.write,
        checkJson: json.checkJson,
    },
};
