namespace AppKeys.Credentials;

/// <summary>JWS algorithm of a signing key (RFC 7518 names).</summary>
public enum SigningKeyAlgorithm
{
    /// <summary>ECDSA with P-256 and SHA-256: the default; small keys and signatures, fast signing.</summary>
    ES256 = 0,

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256 (RSA 2048 or 3072 bits), for validators that only know RSA.</summary>
    RS256 = 1,
}
