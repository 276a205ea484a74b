namespace AppKeys.Credentials;

/// <summary>WSO2 key types: each application has separate credentials and tokens per environment.</summary>
public enum ApplicationKeyType
{
    /// <summary>Production keys; <c>keytype</c> claim <c>PRODUCTION</c>.</summary>
    Production = 0,

    /// <summary>Sandbox keys; <c>keytype</c> claim <c>SANDBOX</c>.</summary>
    Sandbox = 1,
}
