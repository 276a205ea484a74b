using AppKeys.Credentials;

namespace AppKeys.Operator.Signing;

/// <summary>The rotation schedule and windows (flags <c>--signing-*</c>; reasoning in README "Signing keys").</summary>
/// <param name="Algorithm">Algorithm new keys get; a current key of another algorithm is rotated away.</param>
/// <param name="RotationPeriod">How long a key signs before the next one takes over.</param>
/// <param name="Prepublish">How long a next key is published before it signs; also the bound on a verifier's JWKS cache.</param>
/// <param name="NeverExpiringOverlap">How long a retired key stays published after the never-expiring (or long-lived) tokens it signed were re-minted.</param>
/// <param name="ClockSkew">Leeway verifiers allow on <c>exp</c>.</param>
public sealed record SigningKeySettings(
    SigningKeyAlgorithm Algorithm,
    TimeSpan RotationPeriod,
    TimeSpan Prepublish,
    TimeSpan NeverExpiringOverlap,
    TimeSpan ClockSkew)
{
    public static readonly TimeSpan DefaultRotationPeriod = TimeSpan.FromDays(30);
    public static readonly TimeSpan DefaultPrepublish = TimeSpan.FromHours(1);

    /// <summary>Largest leeway common validators allow (Microsoft.IdentityModel's default; Envoy uses 60 s).</summary>
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Kubelet refreshes a mounted Secret within about a minute; the overlap is never shorter than this.</summary>
    public static readonly TimeSpan MinimumOverlap = TimeSpan.FromMinutes(2);

    /// <summary>How long verifiers may keep a JWKS: they must refresh faster than the pre-publish window.</summary>
    public TimeSpan JwksCacheLifetime => Prepublish;

    /// <summary>
    /// A token signed by a key that retired at <paramref name="retiredAt"/> is re-minted (rather than waited for) when it
    /// never expires or outlives the overlap: the key would otherwise stay published for its whole lifetime.
    /// </summary>
    public bool MustRemint(DateTimeOffset retiredAt, DateTimeOffset? expiresAt) =>
        expiresAt is not { } exp || exp > retiredAt + NeverExpiringOverlap;
}
