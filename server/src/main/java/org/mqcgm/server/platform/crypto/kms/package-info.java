/**
 * Key-management services that hold the master key (HashiCorp Vault transit). Their requests carry only wrapped key
 * material to the operator's own KMS, never personal data, which is why this package — and no feature — may open
 * connections besides the egress gateway ({@code EgressArchitectureTest}).
 */
package org.mqcgm.server.platform.crypto.kms;
