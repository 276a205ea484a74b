using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using AppKeys.Operator.Apis.Schema;

namespace AppKeys.Operator.Apis;

/// <summary>Desired state of an <see cref="V1Alpha1ApplicationKey"/>.</summary>
[SchemaValidation("!has(self.renewBefore) || self.validityPeriod < 0 || self.renewBefore <= self.validityPeriod - 300", "renewBefore must be at most validityPeriod - 300 (a token is used for at least 5 minutes before it is replaced)")]
public sealed class V1Alpha1ApplicationKeySpec
{
    /// <summary>Largest accepted validity period: 100 years, in seconds.</summary>
    public const long MaxValidityPeriodSeconds = 3_155_760_000;

    /// <summary>Default validity period, in seconds.</summary>
    public const long DefaultValidityPeriodSeconds = 3600;

    /// <summary>
    /// Shortest validity period, in seconds (10 minutes): a token reaches a workload through a mounted Secret up to about
    /// 2 minutes after it is written, so it must outlive that lag, its renewal window and a margin many times over.
    /// </summary>
    public const long MinValidityPeriodSeconds = 600;

    /// <summary>
    /// Shortest renewBefore, and shortest time a token is used before it is replaced, in seconds (5 minutes, as
    /// cert-manager's minimum renewBefore): the new token must reach the workload (≈2 minutes) before the old one
    /// expires, and no key can make the operator issue more often than every 5 minutes by itself.
    /// </summary>
    public const long MinRenewBeforeSeconds = 300;

    [JsonPropertyName("applicationRef")]
    [Description("The Application, in the same namespace, whose consumer key the token is issued against.")]
    [Required]
    public V1Alpha1ApplicationReference ApplicationRef { get; set; } = new();

    [JsonPropertyName("keyType")]
    [Description("Key type of the application to issue against; it must be enabled in the Application's spec.keyTypes.")]
    [SchemaEnum(Apis.KeyTypes.Production, Apis.KeyTypes.Sandbox)]
    [SchemaDefault("\"Production\"")]
    public string? KeyType { get; set; }

    [JsonPropertyName("scopes")]
    [Description("OAuth 2.0 scopes requested for the token. When the Application sets allowedScopes, each must be one of them.")]
    [SchemaItems(Pattern = AppKeysApi.ScopePattern, MaxLength = 256)]
    [SchemaRange(Max = 128)]
    [SchemaListType("set")]
    public IList<string>? Scopes { get; set; }

    [JsonPropertyName("validityPeriod")]
    [Description("Lifetime of each token, in seconds: at least 600 (mounted Secrets reach workloads up to about 2 minutes late). A negative value issues a token that never expires (no 'exp' claim) and is never renewed automatically. 0 is invalid.")]
    [SchemaRange(Max = MaxValidityPeriodSeconds)]
    [SchemaDefault("3600")]
    [SchemaValidation("self < 0 || self >= 600", "validityPeriod must be at least 600 seconds, or negative for a token that never expires")]
    public long? ValidityPeriod { get; set; }

    [JsonPropertyName("renewBefore")]
    [Description("How long before expiry, in seconds, the token is renewed: at least 300, at most validityPeriod - 300. Defaults to one third of validityPeriod (at least 300). Ignored when the token never expires.")]
    [SchemaRange(Min = MinRenewBeforeSeconds, Max = MaxValidityPeriodSeconds)]
    public long? RenewBefore { get; set; }

    [JsonPropertyName("secretName")]
    [Description("Name of the Secret, in the key's namespace, the token and consumer credentials are written to. Defaults to the key's name. A Secret of that name the key does not own is never overwritten.")]
    [SchemaPattern(AppKeysApi.DnsSubdomainPattern)]
    [SchemaRange(Max = 253)]
    public string? SecretName { get; set; }

    [JsonPropertyName("rolloutRestartTargets")]
    [Description("Deployments, StatefulSets and DaemonSets in the key's namespace to restart (as kubectl rollout restart does) when the token in the key's Secret changes (renewal, re-mint, revocation), at most once per target per --rollout-restart-min-interval. Needs the operator's opt-in RBAC (chart value rolloutRestart.enabled, kustomize component config/components/rollout-restart); without it the key reports RolloutRestart=False, reason Forbidden.")]
    [SchemaRange(Max = V1Alpha1RolloutRestartTarget.MaxTargets)]
    [SchemaListType("map", MapKeys = ["kind", "name"])]
    public IList<V1Alpha1RolloutRestartTarget>? RolloutRestartTargets { get; set; }

    [JsonPropertyName("secretTemplate")]
    [Description("Labels and annotations copied onto the Secret (keys under appkeys.io/ and app.kubernetes.io/managed-by are reserved).")]
    public V1Alpha1SecretTemplate? SecretTemplate { get; set; }
}
