namespace AppKeys.Operator.KeyManager;

/// <summary>What a sealed opaque token carries (docs/key-manager.md); everything else is looked up by consumer key.</summary>
/// <param name="TokenId">The <c>jti</c>: 32 lowercase hex digits (16 random bytes).</param>
/// <param name="ConsumerKey">The client the token was issued to.</param>
/// <param name="KeyType">Production or Sandbox.</param>
/// <param name="Scopes">Granted scopes.</param>
/// <param name="IssuedAt">Issue time, whole seconds.</param>
/// <param name="ExpiresAt">Expiry, whole seconds; null: never expires.</param>
/// <param name="KeyUid">
/// The <c>metadata.uid</c> of the ApplicationKey the token was issued for (sealed as <c>ak2.</c>): active only while
/// that key exists. Null for token-endpoint tokens and for key tokens sealed before keys were bound (<c>ak1.</c>).
/// </param>
public sealed record SealedTokenClaims(
    string TokenId,
    string ConsumerKey,
    string KeyType,
    IReadOnlyList<string> Scopes,
    DateTimeOffset IssuedAt,
    DateTimeOffset? ExpiresAt,
    string? KeyUid = null);
