namespace AppKeys.Credentials;

/// <summary>Opaque (reference) access tokens: 256 CSPRNG bits as 43 unpadded base64url characters.</summary>
public static class OpaqueTokenGenerator
{
    /// <summary>Random bytes in an opaque token.</summary>
    public const int TokenBytes = 32;

    /// <summary>Length of an opaque token in characters.</summary>
    public const int TokenLength = 43;

    /// <summary>A new opaque token.</summary>
    public static SecretValue Generate() => new(ConsumerCredentialGenerator.RandomBase64Url(TokenBytes));
}
