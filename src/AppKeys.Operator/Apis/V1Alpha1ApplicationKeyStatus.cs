using System.ComponentModel;
using System.Text.Json.Serialization;
using AppKeys.Operator.Apis.Schema;
using AppKeys.Runtime.Status;
using k8s.Models;

namespace AppKeys.Operator.Apis;

/// <summary>Observed state of an <see cref="V1Alpha1ApplicationKey"/>. Never holds secret material.</summary>
public sealed class V1Alpha1ApplicationKeyStatus : IConditionedStatus
{
    [JsonPropertyName("conditions")]
    [Description("Conditions of the key; 'Ready' is True when a valid token is in the Secret, otherwise its reason says why not.")]
    [SchemaListType("map", MapKeys = ["type"])]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("observedGeneration")]
    [Description("The metadata.generation this status reflects.")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("consumerKey")]
    [Description("The consumer key the token was issued against (public identifier).")]
    public string? ConsumerKey { get; set; }

    [JsonPropertyName("keyType")]
    [Description("Key type of the current token.")]
    public string? KeyType { get; set; }

    [JsonPropertyName("tokenType")]
    [Description("JWT or Opaque.")]
    public string? TokenType { get; set; }

    [JsonPropertyName("scopes")]
    [Description("Scopes granted to the current token.")]
    public IList<string>? Scopes { get; set; }

    [JsonPropertyName("issuedAt")]
    [Description("When the current token was issued.")]
    public DateTime? IssuedAt { get; set; }

    [JsonPropertyName("expiresAt")]
    [Description("When the current token expires; absent when it never expires.")]
    public DateTime? ExpiresAt { get; set; }

    [JsonPropertyName("renewalTime")]
    [Description("When the operator will issue the next token; absent when the token never expires.")]
    public DateTime? RenewalTime { get; set; }

    [JsonPropertyName("secretName")]
    [Description("Name of the Secret holding the token.")]
    public string? SecretName { get; set; }

    [JsonPropertyName("tokenId")]
    [Description("Identifier of the current token: the JWT 'jti', or a fingerprint of an opaque token.")]
    public string? TokenId { get; set; }

    [JsonPropertyName("revision")]
    [Description("How many tokens have been issued for this key.")]
    public long? Revision { get; set; }

    [JsonPropertyName("issuanceHash")]
    [Description("SHA-256 digest of what the current token was issued from (spec, Application, issuer settings); a different digest issues a new token.")]
    public string? IssuanceHash { get; set; }

    [JsonPropertyName("observedRenewRequest")]
    [Description("SHA-256 digest of the last honoured appkeys.io/renew annotation value.")]
    public string? ObservedRenewRequest { get; set; }

    [JsonPropertyName("observedRevokeRequest")]
    [Description("SHA-256 digest of the last honoured appkeys.io/revoke annotation value.")]
    public string? ObservedRevokeRequest { get; set; }

    [JsonPropertyName("secrets")]
    [Description("The Secrets the operator wrote for this key and has not deleted yet (the current one, and during a rename or conflict the previous ones).")]
    [SchemaListType("map", MapKeys = ["name"])]
    public IList<V1Alpha1WrittenSecret>? Secrets { get; set; }

    [JsonPropertyName("rolloutRestarts")]
    [Description("One entry per spec.rolloutRestartTargets item: the Secret content it is up to date with, when the operator last restarted it and the result of the last attempt.")]
    [SchemaListType("map", MapKeys = ["kind", "name"])]
    public IList<V1Alpha1RolloutRestartStatus>? RolloutRestarts { get; set; }
}
