using System.Diagnostics;

namespace AppKeys.Credentials;

/// <summary>
/// A piece of secret material (consumer secret, access token, private key PEM). <see cref="ToString"/> is redacted
/// so that string interpolation, structured logging or exception messages never leak it; the value is reachable
/// only through <see cref="Reveal"/>, whose name makes every use stand out in review.
/// </summary>
[DebuggerDisplay("***")]
public sealed class SecretValue
{
    /// <summary>What <see cref="ToString"/> returns instead of the value.</summary>
    public const string Redacted = "***";

    private readonly string value;

    /// <summary>Wraps <paramref name="value"/>; it must not be empty.</summary>
    public SecretValue(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        this.value = value;
    }

    /// <summary>Length of the value in characters (not secret: every generated value of a kind has the same length).</summary>
    public int Length => value.Length;

    /// <summary>Returns the secret itself. Call it only where the value must leave the process (a Secret's data).</summary>
    public string Reveal() => value;

    /// <summary>A short non-reversible fingerprint, safe for logs and status.</summary>
    public string Fingerprint() => TokenFingerprint.Compute(value);

    /// <summary>Compares with another value in constant time.</summary>
    public bool FixedTimeEquals(SecretValue other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return SecretComparer.FixedTimeEquals(value, other.value);
    }

    /// <summary>Always <see cref="Redacted"/>.</summary>
    public override string ToString() => Redacted;
}
