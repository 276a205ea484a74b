namespace AppKeys.Operator.Controllers.Applications;

/// <summary>Data keys of an Application's Secret: <c>applicationId</c>, then <c>&lt;keytype&gt;.consumerKey</c> / <c>&lt;keytype&gt;.consumerSecret</c>.</summary>
public static class ApplicationSecretData
{
    public const string ApplicationId = "applicationId";

    public static string ConsumerKey(string keyType) => $"{Apis.KeyTypes.ToSecretPrefix(keyType)}.consumerKey";

    public static string ConsumerSecret(string keyType) => $"{Apis.KeyTypes.ToSecretPrefix(keyType)}.consumerSecret";
}
