using AppKeys.Credentials;

namespace AppKeys.Operator.Signing;

/// <summary>What <see cref="SigningKeyPlanner"/> decides from.</summary>
/// <param name="Held">The key set the operator holds (loaded from, or last written to, the Secret); null when none is known.</param>
/// <param name="Tokens">Every live token the operator holds, with the key that signed it.</param>
/// <param name="RotateRequest">Value of the Secret's <c>appkeys.io/rotate</c> annotation.</param>
/// <param name="RevokeRequest">Value of the Secret's <c>appkeys.io/revoke-signing-key</c> annotation (a kid).</param>
/// <param name="PublishedKeyIds">The kids in the JWKS ConfigMap as it is now: a next key signs only once it is there.</param>
/// <param name="EndpointTokenLifetime">Longest lifetime of a token not held in a Secret (the token endpoint's grants).</param>
/// <param name="Now">The current time.</param>
/// <param name="Settings">Schedule and windows.</param>
/// <param name="Generate">Makes a new key of the algorithm (CSPRNG) and returns its kid; the only effect of planning.</param>
public sealed record SigningKeyPlanInput(
    SigningKeySet? Held,
    IReadOnlyList<SignedToken> Tokens,
    string? RotateRequest,
    string? RevokeRequest,
    IReadOnlySet<string> PublishedKeyIds,
    TimeSpan EndpointTokenLifetime,
    DateTimeOffset Now,
    SigningKeySettings Settings,
    Func<SigningKeyAlgorithm, string> Generate);
