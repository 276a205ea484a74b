using System.ComponentModel;
using System.Text.Json.Serialization;
using AppKeys.Operator.Apis.Schema;

namespace AppKeys.Operator.Apis;

/// <summary>How an Application's consumer secrets are rotated: a grace period for the previous one, and an optional period.</summary>
[SchemaValidation("!has(self.periodSeconds) || !has(self.gracePeriodSeconds) || self.gracePeriodSeconds < self.periodSeconds", "gracePeriodSeconds must be less than periodSeconds")]
public sealed class V1Alpha1SecretRotation
{
    /// <summary>Longest grace period: 30 days, in seconds.</summary>
    public const long MaxGracePeriodSeconds = 2_592_000;

    /// <summary>Shortest rotation period: one hour, in seconds.</summary>
    public const long MinPeriodSeconds = 3_600;

    /// <summary>Longest rotation period: 366 days, in seconds.</summary>
    public const long MaxPeriodSeconds = 31_622_400;

    [JsonPropertyName("gracePeriodSeconds")]
    [Description("How long, in seconds, a regenerated consumer secret stays valid beside the new one (at most 30 days). 0 invalidates it at once. Only one previous secret is kept per key type.")]
    [SchemaRange(Min = 0, Max = MaxGracePeriodSeconds)]
    [SchemaDefault("0")]
    public long? GracePeriodSeconds { get; set; }

    [JsonPropertyName("periodSeconds")]
    [Description("When set, the consumer secret of each enabled key type is regenerated automatically once it is older than this many seconds (1 hour to 366 days). Must be greater than gracePeriodSeconds.")]
    [SchemaRange(Min = MinPeriodSeconds, Max = MaxPeriodSeconds)]
    public long? PeriodSeconds { get; set; }
}
