using System.Text;
using AppKeys.Credentials;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Signing;
using AppKeys.Operator.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Operator.Tests.Signing;

/// <summary>The issuance policy's signing-key check: which held tokens are re-minted, and why.</summary>
public class SigningKeyIssuancePolicyTests
{
    private const string Inputs = "sha256:inputs";
    private static readonly DateTimeOffset Now = TestObjects.Now;
    private static readonly SigningKeySettings Settings = SigningKeyPlannerTests.Settings;

    private static readonly SigningKeyView View = new(
        new SigningKeySet(
        [
            new SigningKeyEntry("old", SigningKeyAlgorithm.ES256, SigningKeyState.Retired, Now.AddDays(-60), Now.AddDays(-60), RetiredAt: Now.AddDays(-1)),
            new SigningKeyEntry("cur", SigningKeyAlgorithm.ES256, SigningKeyState.Current, Now.AddDays(-1), Now.AddDays(-1)),
            new SigningKeyEntry("nxt", SigningKeyAlgorithm.ES256, SigningKeyState.Next, Now),
            new SigningKeyEntry("rev", SigningKeyAlgorithm.ES256, SigningKeyState.Revoked, Now.AddDays(-90), RetiredAt: Now.AddHours(-1), KeepUntil: Now.AddDays(30)),
        ]),
        Settings);

    private static TokenRecord Record(long validity) =>
        new("ck", "Production", "JWT", [], "jti-1", Now, validity < 0 ? null : Now.AddSeconds(validity), 1, Inputs, null);

    private static IssuanceState State(string? kid, long validity = 3600, SigningKeyView? view = null, string hash = Inputs, TimeSpan? elapsed = null) =>
        new(Record(validity), true, true, 1, hash, true, null, TimeSpan.FromMinutes(20), Now + (elapsed ?? TimeSpan.Zero), kid, view ?? View);

    public static TheoryData<string, IssuanceState, string?> Cases => new()
    {
        { "signed by the current key", State("cur"), null },
        { "signed by the next key", State("nxt"), null },
        { "opaque token (no kid)", State(null), null },
        { "keys not loaded: nothing decided", new IssuanceState(Record(3600), true, true, 1, Inputs, true, null, TimeSpan.FromMinutes(20), Now, "gone", null), null },
        { "signed by a key that is gone", State("gone"), IssuanceReasons.SigningKeyLost },
        { "signed by a revoked key", State("rev"), IssuanceReasons.SigningKeyRotated },
        { "retired key, token expires within the overlap", State("old", validity: 3600), null },
        { "retired key, never-expiring token", State("old", validity: -1), IssuanceReasons.SigningKeyRotated },
        { "retired key, token outlives the overlap", State("old", validity: 3600L * 24 * 365), IssuanceReasons.SigningKeyRotated },
        { "spec change is reported first", State("gone", hash: "sha256:other"), IssuanceReasons.SpecChanged },
        { "before expiry renewal", State("rev", elapsed: TimeSpan.FromHours(2)), IssuanceReasons.SigningKeyRotated },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate(string name, IssuanceState state, string? reason)
    {
        var decision = IssuancePolicy.Evaluate(state);
        Assert.True(reason == decision?.Reason, $"{name}: expected {reason ?? "no issuance"}, got {decision?.Reason ?? "no issuance"}");
    }

    [Fact]
    public void The_kid_is_read_from_the_secrets_jwt_header()
    {
        var time = new FakeTimeProvider(Now);
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, time);
        var token = new TokenIssuerSelector(time).Issue(AccessTokenType.Jwt, new TokenRequest
        {
            Issuer = "https://i",
            ConsumerKey = "ck",
            ValidityPeriodSeconds = -1,
            Application = new ApplicationInfo("a", "ns", "id", "o", "t"),
            SigningKey = key,
        });
        var secret = new k8s.Models.V1Secret
        {
            Metadata = new k8s.Models.V1ObjectMeta { Labels = new Dictionary<string, string> { [AppKeys.Operator.Apis.AppKeysLabels.Key] = "shop-prod" } },
            Data = new Dictionary<string, byte[]>
            {
                [KeySecretData.AccessToken] = Encoding.UTF8.GetBytes(token.AccessToken.Reveal()),
                [KeySecretData.TokenType] = Encoding.UTF8.GetBytes("JWT"),
            },
        };

        Assert.Equal(key.KeyId, SignedTokens.KeyIdOf(secret));
        Assert.Equal(new SignedToken(key.KeyId, null), SignedTokens.Of(secret));
        Assert.Null(SignedTokens.KeyIdOf(Encoding.ASCII.GetBytes("not-a-jwt")));
        Assert.Null(SignedTokens.KeyIdOf(Encoding.ASCII.GetBytes("e30.e30.sig")));
    }
}
