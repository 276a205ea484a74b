using AppKeys.Credentials;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>The injected sources of a key's plan: the time, the issuer settings, and the token source (ids and randomness).</summary>
/// <param name="Now">The current time.</param>
/// <param name="Issuer">The JWT issuer settings.</param>
/// <param name="Mint">The token source (ids and randomness).</param>
/// <param name="SigningKeys">The signing key set (null until loaded): which tokens must be re-minted because their key is retiring, revoked or lost.</param>
/// <param name="CanSignJwt">Whether <paramref name="Mint"/> can sign a JWT now (a published current key is loaded); never waited for.</param>
/// <param name="CanSealOpaque">Whether <paramref name="Mint"/> can seal an opaque token now (the sealing keys are loaded); never waited for.</param>
public sealed record KeyPlanContext(DateTimeOffset Now, IssuerSettings Issuer, Func<IssuanceInputs, IssuedToken> Mint, Signing.SigningKeyView? SigningKeys = null, bool CanSignJwt = true, bool CanSealOpaque = true);
