namespace AppKeys.Credentials;

/// <summary>The kind of access token an application gets (WSO2 application <c>tokenType</c>).</summary>
public enum AccessTokenType
{
    /// <summary>Self-contained signed JWT (WSO2 <c>JWT</c>, the default).</summary>
    Jwt = 0,

    /// <summary>Random reference token (WSO2 <c>OAUTH</c>).</summary>
    Opaque = 1,
}
