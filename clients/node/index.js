'use strict';

// jrq-client: a producer of jrq jobs for Node.js (wire protocol 1, docs/PROTOCOL.md). Each export
// is assigned on its own, so that `import { connect } from 'jrq-client'` finds it from an ES module.

const client = require('./lib/client');
const errors = require('./lib/errors');
const p = require('./lib/protocol');
const json = require('./lib/json');

exports.connect = client.connect;
exports.Client = client.Client;
exports.Job = client.Job;
exports.redactUrl = client.redactUrl;
exports.PROTOCOL_VERSION = p.PROTOCOL_VERSION;
exports.JrqError = errors.JrqError;
exports.JrqValidationError = errors.JrqValidationError;
exports.JrqProtocolError = errors.JrqProtocolError;
exports.JrqJobExistsError = errors.JrqJobExistsError;
exports.JrqTimeoutError = errors.JrqTimeoutError;
exports.JrqJobFailedError = errors.JrqJobFailedError;
exports.checkQueueName = p.checkQueueName;
exports.checkFunctionName = p.checkFunctionName;
exports.checkJobId = p.checkJobId;
exports.isHandlerName = p.isHandlerName;
exports.isMethodName = p.isMethodName;
exports.newId = p.newId;
/** The pure protocol layer: keys, envelopes and script calls, for tools and tests. */
exports.protocol = {
    normalizeOptions: p.normalizeOptions,
    envelope: p.envelope,
    checkSize: p.checkSize,
    keys: p.keys,
    enqueueCall: p.enqueueCall,
    dependCall: p.dependCall,
    releaseCall: p.releaseCall,
    cancelCall: p.cancelCall,
    jobRecord: p.jobRecord,
    partitionIndex: p.partitionIndex,
    activePartitions: p.activePartitions,
    isPartitionName: p.isPartitionName,
    toJson: json.write,
    checkJson: json.checkJson,
};
