namespace AppKeys.Operator.Controllers.Applications;

/// <summary>
/// Data keys of an Application's Secret: <c>applicationId</c>, then per key type <c>&lt;keytype&gt;.consumerKey</c> /
/// <c>&lt;keytype&gt;.consumerSecret</c>, and with <c>spec.secretRotation</c> <c>&lt;keytype&gt;.consumerSecretCreatedAt</c>
/// and, during a grace period, <c>&lt;keytype&gt;.previousConsumerSecret</c> / <c>&lt;keytype&gt;.previousConsumerSecretExpiresAt</c>.
/// </summary>
public static class ApplicationSecretData
{
    public const string ApplicationId = "applicationId";

    public static string ConsumerKey(string keyType) => $"{Apis.KeyTypes.ToSecretPrefix(keyType)}.consumerKey";

    public static string ConsumerSecret(string keyType) => $"{Apis.KeyTypes.ToSecretPrefix(keyType)}.consumerSecret";

    /// <summary>RFC 3339 time the current consumer secret was generated (kept in the Secret so it survives status loss).</summary>
    public static string ConsumerSecretCreatedAt(string keyType) => $"{Apis.KeyTypes.ToSecretPrefix(keyType)}.consumerSecretCreatedAt";

    /// <summary>The consumer secret replaced by the last regeneration, while its grace period lasts.</summary>
    public static string PreviousConsumerSecret(string keyType) => $"{Apis.KeyTypes.ToSecretPrefix(keyType)}.previousConsumerSecret";

    /// <summary>RFC 3339 time the previous consumer secret stops being valid.</summary>
    public static string PreviousConsumerSecretExpiresAt(string keyType) => $"{Apis.KeyTypes.ToSecretPrefix(keyType)}.previousConsumerSecretExpiresAt";
}
