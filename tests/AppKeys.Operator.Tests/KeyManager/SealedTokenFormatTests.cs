using AppKeys.Operator.Apis;
using AppKeys.Operator.KeyManager;

namespace AppKeys.Operator.Tests.KeyManager;

public sealed class SealedTokenFormatTests
{
    private static readonly DateTimeOffset IssuedAt = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private const string KeyUid = "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";

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
    public void A_key_bound_token_is_sealed_as_ak2_and_round_trips_the_key_uid_and_every_claim()
    {
        var ring = Ring(TokenKeyRing.NewKey());
        var claims = Claims(IssuedAt.AddHours(1)) with { KeyUid = KeyUid };
        var token = SealedTokenFormat.Seal(claims, ring);
        Assert.True(token.StartsWith(SealedTokenFormat.KeyBoundPrefix, StringComparison.Ordinal), "sealed as ak2.");
        Assert.True(SealedTokenFormat.HasPrefix(token));
        Assert.True(token.Length < 300, $"{token.Length} characters");
        var opened = SealedTokenFormat.TryOpen(token, ring);
        Assert.NotNull(opened);
        Assert.Equal(KeyUid, opened.KeyUid);
        Assert.Equal(claims.TokenId, opened.TokenId);
        Assert.Equal(claims.ConsumerKey, opened.ConsumerKey);
        Assert.Equal(claims.KeyType, opened.KeyType);
        Assert.Equal(claims.Scopes, opened.Scopes);
        Assert.Equal(claims.IssuedAt, opened.IssuedAt);
        Assert.Equal(claims.ExpiresAt, opened.ExpiresAt);

        // A token without a key uid (the token endpoint's, or a key's sealed before binding) is still ak1. and opens.
        var unbound = SealedTokenFormat.Seal(Claims(null), ring);
        Assert.True(unbound.StartsWith(SealedTokenFormat.Prefix, StringComparison.Ordinal), "sealed as ak1.");
        Assert.Null(SealedTokenFormat.TryOpen(unbound, ring)!.KeyUid);
    }

    [Fact]
    public void The_version_is_authenticated_a_relabelled_or_unknown_version_does_not_open()
    {
        var ring = Ring(TokenKeyRing.NewKey());
        var bound = SealedTokenFormat.Seal(Claims(null) with { KeyUid = KeyUid }, ring);
        var unbound = SealedTokenFormat.Seal(Claims(null), ring);
        Assert.NotNull(SealedTokenFormat.TryOpen(bound, ring));
        Assert.NotNull(SealedTokenFormat.TryOpen(unbound, ring));

        // ak2. read as ak1. would drop the key binding: refused, as is the reverse and any other version byte.
        Assert.Null(SealedTokenFormat.TryOpen("ak1." + bound[4..], ring));
        Assert.Null(SealedTokenFormat.TryOpen("ak2." + unbound[4..], ring));
        foreach (var version in new[] { "ak0.", "ak3.", "aK2.", "bk2." })
        {
            Assert.Null(SealedTokenFormat.TryOpen(version + bound[4..], ring));
        }

        for (var i = 4; i < bound.Length; i++)
        {
            var chars = bound.ToCharArray();
            chars[i] = chars[i] == 'A' ? 'B' : 'A';
            Assert.Null(SealedTokenFormat.TryOpen(new string(chars), ring));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("ключ")]
    public void A_key_uid_that_is_empty_or_not_ASCII_is_refused(string keyUid)
    {
        var ring = Ring(TokenKeyRing.NewKey());
        Assert.Throws<ArgumentException>(() => SealedTokenFormat.Seal(Claims(null) with { KeyUid = keyUid }, ring));
        Assert.Throws<ArgumentException>(() => SealedTokenFormat.Seal(Claims(null) with { KeyUid = new string('a', 256) }, ring));
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
