/** Request bodies the HTTP controllers of several features share (and nothing they depend on). */
package io.accountlifecycle.service.http;
