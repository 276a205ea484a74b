using System.Text;
using AppKeys.E2E.Tests.Support;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Signing;
using AppKeys.Runtime.Client;
using k8s.Models;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;

namespace AppKeys.E2E.Tests;

/// <summary>
/// Issue #16: renewal by time in the Native AOT executable, on the real clock (the JIT suites jump a fake
/// TimeProvider; a separate process has none). The shortest lifetime the CRD and the operator accept is a
/// validityPeriod of 600 s renewed 300 s before expiry (<see cref="V1Alpha1ApplicationKeySpec.MinValidityPeriodSeconds"/>,
/// <see cref="V1Alpha1ApplicationKeySpec.MinRenewBeforeSeconds"/>): an honest wait would be 5 minutes. So the key gets
/// that lifetime, and once its first token is issued the test, as a cluster admin, moves the token record in the key's
/// status (issuedAt, expiresAt: the operator's record, writable only through <c>/status</c>, that renewal is computed
/// from) back so that renewal falls due <see cref="Lead"/> from now. Then it writes nothing more: the operator must
/// notice the new renewal time, schedule its own requeue and renew when its clock reaches it — before the token
/// expires — with a new token that verifies, expires later, and leaks nowhere in the process's output.
/// </summary>
public sealed class NativeRenewalTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Ns = "renewal";
    private const string Key = "renewing";
    private static readonly TimeSpan Lead = TimeSpan.FromSeconds(15);
    private static readonly JsonWebTokenHandler Handler = new();
    private readonly SecretValueCollector seen = new();
    private NativeOperatorInstall install = null!;
    private ResourceClient<V1Alpha1ApplicationKey> keys = null!;
    private ResourceClient<V1Secret> secrets = null!;

    public async Task InitializeAsync()
    {
        install = await NativeOperatorInstall.StartAsync(Path.Combine("config", "default"), [Ns]);
        var transport = new KubernetesTransport(install.Admin);
        keys = new ResourceClient<V1Alpha1ApplicationKey>(transport);
        secrets = new ResourceClient<V1Secret>(transport);
    }

    public async Task DisposeAsync()
    {
        if (install is not null)
        {
            await install.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_native_operator_renews_a_token_before_it_expires_on_its_own_clock()
    {
        try
        {
            await RenewAsync();
        }
        catch
        {
            output.WriteLine($"--- the native operator's last lines ({(install.Replica.Process.HasExited ? "exited" : "running")}) ---");
            output.WriteLine(await install.SafeOutputTailAsync());
            throw;
        }
    }

    private async Task RenewAsync()
    {
        var transport = new KubernetesTransport(install.Admin);
        await new ResourceClient<V1Alpha1Application>(transport).CreateAsync(new V1Alpha1Application { Metadata = new V1ObjectMeta { Name = "renewal-app", NamespaceProperty = Ns }, Spec = new V1Alpha1ApplicationSpec { TokenType = TokenTypes.Jwt } });
        await keys.CreateAsync(new V1Alpha1ApplicationKey
        {
            Metadata = new V1ObjectMeta { Name = Key, NamespaceProperty = Ns },
            Spec = new V1Alpha1ApplicationKeySpec
            {
                ApplicationRef = new V1Alpha1ApplicationReference { Name = "renewal-app" },
                ValidityPeriod = V1Alpha1ApplicationKeySpec.MinValidityPeriodSeconds,
                RenewBefore = V1Alpha1ApplicationKeySpec.MinRenewBeforeSeconds,
            },
        });
        var first = await KeyWhenAsync(k => k.Status?.Revision == 1 && IsReady(k), "Ready with its first token", TimeSpan.FromSeconds(60));
        var (firstToken, firstJwt) = await TokenAsync(first);
        var lifetime = TimeSpan.FromSeconds(V1Alpha1ApplicationKeySpec.MinValidityPeriodSeconds);
        var renewBefore = TimeSpan.FromSeconds(V1Alpha1ApplicationKeySpec.MinRenewBeforeSeconds);
        Assert.Equal(firstJwt.IssuedAt + lifetime, firstJwt.ValidTo);
        Assert.Equal(Utc(first.Status.ExpiresAt) - renewBefore, Utc(first.Status.RenewalTime));

        // The record moved back (whole seconds, as status keeps them): renewal due in Lead. The token itself is unchanged.
        var due = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.Add(Lead).ToUnixTimeSeconds());
        var shift = Utc(first.Status.RenewalTime) - due;
        await ShiftRecordAsync(shift);

        // The operator takes the moved record as it is (the same token, now due at `due`) and issues nothing for the write.
        var shifted = await KeyWhenAsync(
            k => k.Status?.Revision == 1 && IsReady(k) && k.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Message.Contains($"is renewed at {Rfc3339.ToString(due)}", StringComparison.Ordinal),
            "its Ready message naming the moved renewal time, still at revision 1",
            Lead);
        Assert.Equal(first.Status.TokenId, shifted.Status.TokenId);
        Assert.Equal(due, Utc(shifted.Status.RenewalTime));

        // Nothing more is written: renewal comes from the operator's own clock.
        var renewed = await KeyWhenAsync(k => k.Status?.Revision == 2 && IsReady(k), "renewed (revision 2)", Lead + TimeSpan.FromSeconds(30));
        var (token, jwt) = await TokenAsync(renewed);
        output.WriteLine($"renewal due {Rfc3339.ToString(due)}; new token issued {Rfc3339.ToString(jwt.IssuedAt)}; the first one expires {Rfc3339.ToString(firstJwt.ValidTo)}");

        // A new token, not early (its renewal time reached), before the old one expired, expiring later.
        Assert.NotEqual(first.Status.TokenId, renewed.Status.TokenId);
        Assert.NotEqual(firstToken, token);
        Assert.True(jwt.IssuedAt >= due.UtcDateTime, $"renewed at {jwt.IssuedAt:O}, before its renewal time {due:O}");
        Assert.True(jwt.IssuedAt < firstJwt.ValidTo, "renewed only after the old token had expired");
        Assert.True(jwt.ValidTo > firstJwt.ValidTo, $"the new token expires at {jwt.ValidTo:O}, not after the old one ({firstJwt.ValidTo:O})");
        Assert.Equal(jwt.IssuedAt + lifetime, jwt.ValidTo);

        // Status moved forward with it, past the first record (not only past the moved one).
        Assert.Equal((Utc(jwt.IssuedAt), Utc(jwt.ValidTo), Utc(jwt.ValidTo) - renewBefore), (Utc(renewed.Status.IssuedAt), Utc(renewed.Status.ExpiresAt), Utc(renewed.Status.RenewalTime)));
        Assert.True(Utc(renewed.Status.ExpiresAt) > Utc(first.Status.ExpiresAt) && Utc(renewed.Status.RenewalTime) > Utc(first.Status.RenewalTime), "status expiry and renewal times did not move forward");
        Assert.Equal(first.Status.ConsumerKey, renewed.Status.ConsumerKey);

        // It says why: the token reached its renewal time.
        var issued = await Eventually.GetAsync(
            async () => (await new ResourceClient<Corev1Event>(transport).ListAsync(Ns)).Items.FirstOrDefault(e => e.InvolvedObject?.Name == Key && e.Reason == "Issued" && e.Message.Contains("revision 2", StringComparison.Ordinal)),
            "the Issued Event of revision 2");
        Assert.Contains($"{IssuanceReasons.Expiring}: ", issued.Message, StringComparison.Ordinal);

        // No secret value (both tokens, the consumer secret, the operator's signing and sealing keys) in stdout/stderr.
        seen.Add(await secrets.GetAsync("renewal-app-credentials", Ns));
        foreach (var secret in (await secrets.ListAsync(NativeOperatorInstall.OperatorNamespace)).Items)
        {
            seen.Add(secret);
        }

        var log = install.Replica.Process.Output;
        Assert.True(seen.Count >= 4, $"only {seen.Count} secret values were captured");
        Assert.Contains("dbug:", log, StringComparison.Ordinal);
        var leaks = seen.FindIn([("the native operator's stdout/stderr", log)]);
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
        Assert.Empty(install.Denials);
    }

    private static DateTimeOffset Utc(DateTime? value) => new(DateTime.SpecifyKind(Assert.NotNull(value), DateTimeKind.Utc));

    private static bool IsReady(V1Alpha1ApplicationKey key) =>
        key.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Status == "True";

    private Task<V1Alpha1ApplicationKey> KeyWhenAsync(Func<V1Alpha1ApplicationKey, bool> done, string what, TimeSpan timeout) =>
        Eventually.GetAsync(() => keys.GetAsync(Key, Ns), k => k is not null && done(k), $"key {Ns}/{Key} {what}", timeout);

    /// <summary>The key's token, once its Secret holds the one status records, verified against the JWKS.</summary>
    private async Task<(string Token, JsonWebToken Jwt)> TokenAsync(V1Alpha1ApplicationKey key)
    {
        var secret = await Eventually.GetAsync(
            () => secrets.GetAsync(key.Status.SecretName ?? Key, Ns),
            s => s?.Data?.TryGetValue("accessToken", out var t) == true && new JsonWebToken(Encoding.UTF8.GetString(t)).Id == key.Status.TokenId,
            $"Secret {Key} holding token {key.Status.TokenId}");
        seen.Add(secret);
        var token = Encoding.UTF8.GetString(secret.Data["accessToken"]);
        var jwks = await Eventually.GetAsync(
            () => new ResourceClient<V1ConfigMap>(new KubernetesTransport(install.Admin)).GetAsync(JwksPublisher.ConfigMapName, NativeOperatorInstall.OperatorNamespace),
            c => c?.Data?.ContainsKey(JwksPublisher.JwksKey) == true,
            "the JWKS ConfigMap");
        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = new JsonWebKeySet(jwks.Data[JwksPublisher.JwksKey]).GetSigningKeys(),
            ValidIssuer = install.Issuer,

            // No --audience in config/default: the audience is the consumer key.
            ValidAudience = key.Status.ConsumerKey,
            RequireExpirationTime = true,
        });
        Assert.True(result.IsValid, $"token {key.Status.TokenId} does not verify against the JWKS: {result.Exception?.GetType().Name}");
        return (token, (JsonWebToken)result.SecurityToken);
    }

    /// <summary>Moves the key's token record (issuedAt, expiresAt, renewalTime) back by <paramref name="shift"/>, as an admin through /status.</summary>
    private Task ShiftRecordAsync(TimeSpan shift) =>
        Resilient.CallAsync(
            async () =>
            {
                var key = (await keys.GetAsync(Key, Ns))!;
                key.Status.IssuedAt -= shift;
                key.Status.ExpiresAt -= shift;
                key.Status.RenewalTime -= shift;
                await keys.ReplaceStatusAsync(key);
            },
            "move the token record back");
}
