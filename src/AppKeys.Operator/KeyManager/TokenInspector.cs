using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Hosting;
using AppKeys.Runtime;
using AppKeys.Runtime.Informers;
using k8s.Models;

namespace AppKeys.Operator.KeyManager;

/// <summary>
/// Decides whether a token this operator issued is active now, from the caches alone: signature or seal, expiry,
/// revocation, and whether what it was issued for still stands (the Application exists, the key type is enabled,
/// every scope is still allowed, and for a token bound to an ApplicationKey that key exists and is not being deleted).
/// Anything else is inactive (null), with no reason given.
/// </summary>
public sealed class TokenInspector(
    OperatorOptions options,
    ClientDirectory clients,
    SigningKeys signingKeys,
    TokenKeyStore tokenKeys,
    RevocationStore revocations,
    IInformer<V1Alpha1ApplicationKey> keys,
    IInformer<V1Secret> secrets,
    TimeProvider time)
{
    /// <summary>
    /// Whether the ApplicationKey cache has been filled once: before that every key-bound token would look withdrawn
    /// (the endpoints answer 503 instead).
    /// </summary>
    public bool IsSynced => keys.HasSynced;

    /// <summary>The token if it is active now; null (inactive) otherwise.</summary>
    public ActiveToken? Inspect(string token)
    {
        if (Read(token) is not { } found || clients.Find(found.ConsumerKey) is not { } client)
        {
            return null;
        }

        var now = time.GetUtcNow();
        return client.KeyType != found.KeyType
            || (found.Namespace is { } ns && ns != client.Namespace)
            || (found.ApplicationName is { } app && app != client.Application.Metadata.Name)
            || found.ExpiresAt is { } exp && exp <= now
            || found.NotBefore > now
            || revocations.IsRevoked(found.TokenId)
            || (found.Fingerprint is { } fingerprint && revocations.IsRevoked(fingerprint))
            || !client.Allows(found.Scopes)
            || (found.KeyUid is { } keyUid && !KeyStands(keyUid, client.Namespace))
            ? null
            : new ActiveToken(found.TokenId, client, found.IsJwt, found.Scopes, found.IssuedAt, found.NotBefore, found.ExpiresAt, found.Subject, found.Audiences, found.Issuer);
    }

    /// <summary>
    /// A token this operator issued (signature, seal, or the key's Secret proves it), whatever its state: expired,
    /// revoked or withdrawn tokens too (revocation must work on a token that could become active again).
    /// </summary>
    public IssuedTokenClaims? Read(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return SealedTokenFormat.HasPrefix(token) ? Sealed(token)
            : token.Count(c => c == '.') == 2 ? Jwt(token)
            : KeyOpaque(token);
    }

    private IssuedTokenClaims? Sealed(string token) =>
        tokenKeys.Ring is { } ring && SealedTokenFormat.TryOpen(token, ring) is { } claims
            ? new IssuedTokenClaims(claims.TokenId, claims.ConsumerKey, claims.KeyType, false, claims.Scopes, claims.IssuedAt, claims.IssuedAt,
                claims.ExpiresAt, claims.ConsumerKey, Audiences(claims.ConsumerKey), options.Issuer, null, null, TokenFingerprint.Compute(token), claims.KeyUid)
            : null;

    private IssuedTokenClaims? Jwt(string token) =>
        JwtReader.TryRead(token, options.Issuer, signingKeys) is { } c
            ? new IssuedTokenClaims(c.TokenId, c.ConsumerKey, c.KeyType, true, c.Scopes, c.IssuedAt, c.NotBefore, c.ExpiresAt,
                c.Subject, c.Audiences, c.Issuer, c.ApplicationNamespace, null, KeyUid: c.KeyUid)
            : null;

    /// <summary>An ApplicationKey's random opaque token: found by fingerprint, proven by the key's Secret.</summary>
    private IssuedTokenClaims? KeyOpaque(string token)
    {
        if (token.Length is < 16 or > 512)
        {
            return null;
        }

        var fingerprint = TokenFingerprint.Compute(token);
        foreach (var key in keys.Store.ByIndex(KeyManagerIndexes.TokenId, fingerprint))
        {
            var status = key.Status;
            var secret = secrets.Store.Get(new ObjectKey(key.Metadata.NamespaceProperty, status?.SecretName ?? key.Metadata.Name));
            if (status?.ConsumerKey is not { } consumerKey || status.TokenType != TokenTypes.Opaque || secret?.Data is null
                || !secret.Data.TryGetValue(KeySecretData.AccessToken, out var stored) || stored is null
                || !SecretComparer.FixedTimeEquals(new SecretValue(token), new SecretValue(System.Text.Encoding.UTF8.GetString(stored))))
            {
                continue;
            }

            var issuedAt = status.IssuedAt is { } iat ? new DateTimeOffset(DateTime.SpecifyKind(iat, DateTimeKind.Utc)) : DateTimeOffset.UnixEpoch;
            DateTimeOffset? expiresAt = status.ExpiresAt is { } exp ? new DateTimeOffset(DateTime.SpecifyKind(exp, DateTimeKind.Utc)) : null;
            return new IssuedTokenClaims(fingerprint, consumerKey, status.KeyType ?? "", false, [.. status.Scopes ?? []], issuedAt, issuedAt, expiresAt,
                consumerKey, Audiences(consumerKey), options.Issuer, key.Metadata.NamespaceProperty, key.Spec?.ApplicationRef?.Name ?? "");
        }

        return null;
    }

    /// <summary>
    /// Whether the ApplicationKey a token is bound to still exists in this replica's cache, in the token's namespace,
    /// and is not being deleted (the index holds only such keys, by uid). A key recreated under the same name has
    /// another uid, so the deleted key's tokens stay inactive.
    /// </summary>
    private bool KeyStands(string keyUid, string @namespace) =>
        keys.Store.IndexKeys(KeyManagerIndexes.LiveKeyUid, keyUid).Any(k => k.Namespace == @namespace);

    private IReadOnlyList<string> Audiences(string consumerKey) => options.Audiences.Count > 0 ? [.. options.Audiences] : [consumerKey];
}
