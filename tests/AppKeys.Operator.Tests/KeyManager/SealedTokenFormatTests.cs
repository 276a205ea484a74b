using AppKeys.Operator.Apis;
using AppKeys.Operator.KeyManager;

namespace AppKeys.Operator.Tests.KeyManager;

public sealed class SealedTokenFormatTests
{
    private static readonly DateTimeOffset IssuedAt = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static TokenKeyRing Ring(params byte[][] keys) => new(keys.Select((k, i) => KeyValuePair.Create($"k-{1000 + i}", k)));

    private static SealedTokenClaims Claims(DateTimeOffset? expiresAt) =>
        new(SealedTokenFormat.NewTokenId(), "NtBQkXoKElu0H1a1fQ0DWfo6IX4a", KeyTypes.Sandbox, ["orders:read", "orders:write"], IssuedAt, expiresAt);

    [Fact]
    public void Round_trips_every_claim_and_is_compact()
    {
        var ring = Ring(TokenKeyRing.NewKey());
        var claims = Claims(IssuedAt.AddHours(1));
        var token = SealedTokenFormat.Seal(claims, ring);
        Assert.StartsWith("ak1.", token, StringComparison.Ordinal);
        Assert.True(token.Length < 250, $"{token.Length} characters");
        var opened = SealedTokenFormat.TryOpen(token, ring);
        Assert.NotNull(opened);
        Assert.Equal(claims.TokenId, opened.TokenId);
        Assert.Equal(claims.ConsumerKey, opened.ConsumerKey);
        Assert.Equal(KeyTypes.Sandbox, opened.KeyType);
        Assert.Equal(claims.Scopes, opened.Scopes);
        Assert.Equal(claims.IssuedAt, opened.IssuedAt);
        Assert.Equal(claims.ExpiresAt, opened.ExpiresAt);
    }

    [Fact]
    public void A_never_expiring_token_has_no_expiry_and_two_seals_differ()
    {
        var ring = Ring(TokenKeyRing.NewKey());
        var claims = Claims(null);
        var a = SealedTokenFormat.Seal(claims, ring);
        var b = SealedTokenFormat.Seal(claims, ring);
        Assert.NotEqual(a, b); // fresh nonce per token
        Assert.Null(SealedTokenFormat.TryOpen(a, ring)!.ExpiresAt);
    }

    [Fact]
    public void Every_changed_character_or_another_key_is_refused()
    {
        var ring = Ring(TokenKeyRing.NewKey());
        var token = SealedTokenFormat.Seal(Claims(IssuedAt.AddHours(1)), ring);
        for (var i = 4; i < token.Length; i++)
        {
            var chars = token.ToCharArray();
            chars[i] = chars[i] == 'A' ? 'B' : 'A';
            Assert.Null(SealedTokenFormat.TryOpen(new string(chars), ring));
        }

        Assert.Null(SealedTokenFormat.TryOpen(token, Ring(TokenKeyRing.NewKey())));
        Assert.Null(SealedTokenFormat.TryOpen(token[..^1], ring));
        Assert.Null(SealedTokenFormat.TryOpen("ak1.", ring));
        Assert.Null(SealedTokenFormat.TryOpen("ak1.!!!", ring));
        Assert.Null(SealedTokenFormat.TryOpen("ak2." + token[4..], ring));
    }

    [Fact]
    public void After_a_key_is_added_the_newest_seals_and_the_old_one_still_opens()
    {
        var oldKey = TokenKeyRing.NewKey();
        var before = Ring(oldKey);
        var oldToken = SealedTokenFormat.Seal(Claims(null), before);
        var after = Ring(oldKey, TokenKeyRing.NewKey());
        var newToken = SealedTokenFormat.Seal(Claims(null), after);
        Assert.NotNull(SealedTokenFormat.TryOpen(oldToken, after));
        Assert.NotNull(SealedTokenFormat.TryOpen(newToken, after));
        Assert.Null(SealedTokenFormat.TryOpen(newToken, before));
    }
}
