/**
 * jrq's implementation. Nothing in {@code io.jrq.internal} or its subpackages is API: these types may
 * change or disappear in any release without notice. Use the types in {@code io.jrq}.
 */
package io.jrq.internal;
