using AppKeys.Credentials;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Hosting;
using AppKeys.Operator.Signing;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AppKeys.Operator.Tests.Signing;

/// <summary>
/// Fake-clock walks through the signing-key life with the real planner, store, Secret format and issuance policy: the
/// leader reconciles when it asked to (its requeue) or when a token of a non-current key changed (the watch), keys renew
/// at two thirds of their life or when the policy says so, the token endpoint issues 1-hour tokens every 10 minutes, and
/// a verifier that refreshes its JWKS only every 20 minutes checks, every minute, every token that is still valid.
/// </summary>
public class SigningKeyWalkTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan VerifierRefresh = TimeSpan.FromMinutes(20);

    [Fact]
    public void Three_rotations_never_reject_a_valid_token()
    {
        var w = new World();
        w.Run(TimeSpan.FromDays(95));
        Assert.True(w.Rotations >= 3, $"only {w.Rotations} rotations");
        Assert.Contains(w.Remints, r => r.Reason == IssuanceReasons.SigningKeyRotated && r.Key == "forever");
        Assert.Contains(w.Remints, r => r.Reason == IssuanceReasons.SigningKeyRotated && r.Key == "year");
        Assert.DoesNotContain(w.Remints, r => r.Key is "hourly" or "daily");
        Assert.True(w.Removals >= 2, $"retired keys removed: {w.Removals}");
        Assert.InRange(w.Store.Held!.Keys.Count(k => k.IsPublished), 2, 4);
        w.AssertNoRejections();
        w.AssertSignaturesVerify();

        // The JWKS changes only on transitions (a rotation publishes the following next key in the same write; a removal
        // may coincide with a rotation): never flapping.
        Assert.InRange(w.JwksWrites, w.Rotations, (2 * w.Rotations) + 2);
    }

    [Fact]
    public void Emergency_revocation_unpublishes_the_key_and_re_mints_every_token_it_signed()
    {
        var w = new World();
        w.Run(TimeSpan.FromDays(10));
        var revoked = w.Store.Held!.Current!.KeyId;
        var successor = w.Store.Held.Next!.KeyId;
        w.Revoke = revoked;
        w.Run(TimeSpan.FromMinutes(2));

        Assert.Equal(successor, w.Store.Held!.Current!.KeyId);
        Assert.DoesNotContain(revoked, JwksPublisher.KeyIds(w.Published));
        Assert.All(w.Keys, k => Assert.NotEqual(revoked, k.Token.Kid));
        Assert.Equal(4, w.Remints.Count(r => r.Reason == IssuanceReasons.SigningKeyRotated));

        w.Run(TimeSpan.FromDays(40));
        w.AssertNoRejections();
        w.AssertSignaturesVerify();
    }

    [Fact]
    public void Algorithm_change_is_a_rotation_with_the_same_windows()
    {
        var w = new World();
        w.Run(TimeSpan.FromDays(3));
        w.Restart(SigningKeyAlgorithm.RS256, keepSecret: true);
        w.Run(TimeSpan.FromHours(2));
        Assert.Equal(SigningKeyAlgorithm.RS256, w.Store.Held!.Current!.Algorithm);
        w.Run(TimeSpan.FromDays(40));
        Assert.All(w.Keys, k => Assert.Equal("RS256", k.Token.Alg));
        Assert.All(w.Store.Held!.Keys.Where(k => k.IsPublished), k => Assert.Equal(SigningKeyAlgorithm.RS256, k.Algorithm));
        w.AssertNoRejections();
        w.AssertSignaturesVerify();
    }

    [Fact]
    public void Restart_with_the_secret_changes_nothing()
    {
        var w = new World();
        w.Run(TimeSpan.FromDays(31));
        var before = w.Published;
        var remints = w.Remints.Count;
        w.Restart(SigningKeyAlgorithm.ES256, keepSecret: true);
        w.Run(TimeSpan.FromMinutes(30));
        Assert.Equal(before, w.Published);
        Assert.Equal(remints, w.Remints.Count);
        w.AssertNoRejections();
    }

    [Fact]
    public void Secret_lost_while_stopped_re_mints_every_token_with_SigningKeyLost()
    {
        var w = new World();
        w.Run(TimeSpan.FromDays(5));
        var lostKids = JwksPublisher.KeyIds(w.Published);

        // Tokens of lost keys cannot verify, and the new key signs before verifiers could fetch it: both are the loss,
        // reported below. From one refresh later on, nothing valid is rejected again.
        w.ForgiveUntil(w.Time.GetUtcNow() + VerifierRefresh, lostKids);
        w.Restart(SigningKeyAlgorithm.ES256, keepSecret: false);
        w.Run(TimeSpan.FromMinutes(2));

        Assert.Equal(4, w.Remints.Count(r => r.Reason == IssuanceReasons.SigningKeyLost));
        Assert.All(w.Keys, k => Assert.DoesNotContain(k.Token.Kid, lostKids));
        Assert.Contains(w.SigningEvents, e => e.Reason == SigningKeyEvents.Lost && e.Warning);

        w.Run(TimeSpan.FromDays(35));
        w.AssertNoRejections();
    }

    private sealed record Token(string Kid, string Alg, DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt, string Jwt);

    private sealed class SimKey(string name, long validity)
    {
        public string Name { get; } = name;

        public long Validity { get; } = validity;

        public Token Token { get; set; } = null!;

        public long Revision { get; set; }
    }

    private sealed class World
    {
        private readonly List<(Token Token, DateTimeOffset ValidUntil, string Why)> mustVerify = [];
        private readonly List<string> rejections = [];
        private readonly TokenIssuerSelector issuer;
        private HashSet<string> verifierKids = [];
        private string verifierJwks = "{\"keys\":[]}";
        private DateTimeOffset nextVerifierRefresh;
        private DateTimeOffset nextReconcile;
        private DateTimeOffset nextEndpointToken;
        private Dictionary<string, byte[]>? secret;
        private bool tokensOfOldKeysChanged;
        private DateTimeOffset forgiveUntil = DateTimeOffset.MinValue;
        private IReadOnlySet<string> forgivenKids = new HashSet<string>();
        private SigningKeyAlgorithm algorithm = SigningKeyAlgorithm.ES256;
        private int rotationsSeen;

        public World()
        {
            issuer = new TokenIssuerSelector(Time);
            Store = NewStore();
            Keys = [new SimKey("hourly", 3600), new SimKey("daily", 86400), new SimKey("forever", -1), new SimKey("year", 3600L * 24 * 365)];
            nextVerifierRefresh = Time.GetUtcNow() + TimeSpan.FromMinutes(7);
            Reconcile();

            // The verifier is configured after the install, with the JWKS as it is then; from here on it only refreshes.
            verifierJwks = Published;
            verifierKids = [.. JwksPublisher.KeyIds(Published)];
            foreach (var key in Keys)
            {
                Issue(key, "Initial");
            }
        }

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

        public SigningKeyStore Store { get; private set; }

        public List<SimKey> Keys { get; }

        public string Published { get; private set; } = "";

        public int JwksWrites { get; private set; }

        public int Rotations => rotationsSeen;

        public int Removals { get; private set; }

        public string? Revoke { get; set; }

        public List<(string Key, string Reason)> Remints { get; } = [];

        public List<SigningKeyEvent> SigningEvents { get; } = [];

        public void Run(TimeSpan duration)
        {
            var end = Time.GetUtcNow() + duration;
            while (Time.GetUtcNow() < end)
            {
                Time.Advance(Step);
                var now = Time.GetUtcNow();
                if (now >= nextReconcile || tokensOfOldKeysChanged || Revoke is not null)
                {
                    Reconcile();
                }

                foreach (var key in Keys)
                {
                    var record = new TokenRecord("ck", "Production", "JWT", [], "jti", key.Token.IssuedAt, key.Token.ExpiresAt, key.Revision, "h", null);
                    if (IssuancePolicy.Evaluate(new IssuanceState(record, true, true, key.Revision, "h", true, null, null, now, key.Token.Kid, Store.View)) is { } decision)
                    {
                        Issue(key, decision.Reason);
                    }
                }

                if (now >= nextEndpointToken && Store.TryGetCurrent(out var signing))
                {
                    mustVerify.Add((Sign(signing, 3600), now + TimeSpan.FromHours(1), "endpoint"));
                    nextEndpointToken = now + TimeSpan.FromMinutes(10);
                }

                if (now >= nextVerifierRefresh)
                {
                    verifierJwks = Published;
                    verifierKids = [.. JwksPublisher.KeyIds(Published)];
                    nextVerifierRefresh = now + VerifierRefresh;
                }

                Verify(now);
            }
        }

        public void Restart(SigningKeyAlgorithm newAlgorithm, bool keepSecret)
        {
            Store.Dispose();
            algorithm = newAlgorithm;
            if (!keepSecret)
            {
                secret = null;
            }

            Store = NewStore();
            Reconcile();
        }

        public void ForgiveUntil(DateTimeOffset until, IReadOnlySet<string> kids)
        {
            forgiveUntil = until;
            forgivenKids = kids;
            mustVerify.RemoveAll(m => kids.Contains(m.Token.Kid));
        }

        public void AssertNoRejections() => Assert.True(rejections.Count == 0, $"{rejections.Count} rejections, first: {string.Join("; ", rejections.Take(5))}");

        /// <summary>The real check: every token that must verify does, signature included, against the published JWKS.</summary>
        public void AssertSignaturesVerify()
        {
            var keys = new JsonWebKeySet(Published).GetSigningKeys();
            var handler = new JsonWebTokenHandler();
            foreach (var (token, validUntil, why) in mustVerify.Where(m => m.ValidUntil > Time.GetUtcNow()))
            {
                var result = handler.ValidateTokenAsync(token.Jwt, new TokenValidationParameters
                {
                    IssuerSigningKeys = keys,
                    ValidateIssuer = false,
                    ValidateAudience = false,
                    ValidateLifetime = false,
                }).GetAwaiter().GetResult();
                Assert.True(result.IsValid, $"{why} token of {token.Kid} does not verify: {result.Exception?.Message}");
            }
        }

        private SigningKeyStore NewStore() =>
            new(new OperatorOptions { SigningAlgorithm = algorithm, SigningKeyRotationPeriod = TimeSpan.FromDays(30), SigningKeyPrepublish = TimeSpan.FromHours(1) }, Time);

        private void Reconcile()
        {
            var now = Time.GetUtcNow();
            SigningKeySet? held;
            if (Store.IsWriter)
            {
                held = Store.Held;
            }
            else
            {
                var contents = SigningKeySecret.Read(secret is null ? null : SigningKeySecret.New("ns", secret), algorithm, now);
                if (contents is not null)
                {
                    Store.Hold(contents.Set, contents.Materials);
                }

                held = contents?.Set;
            }

            var plan = SigningKeyPlanner.Plan(new SigningKeyPlanInput(
                held,
                [.. Keys.Where(k => k.Token is not null).Select(k => new SignedToken(k.Token.Kid, k.Token.ExpiresAt))],
                null,
                Revoke,
                JwksPublisher.KeyIds(Published),
                TimeSpan.FromHours(1),
                now,
                Store.Settings,
                Store.Generate));
            Revoke = null;
            secret = SigningKeySecret.Data(plan.Desired, Store.Materials);
            Store.Hold(plan.Desired);
            if (Store.Jwks != Published)
            {
                Published = Store.Jwks!;
                JwksWrites++;
            }

            Store.ObservePublished(JwksPublisher.KeyIds(Published));
            SigningEvents.AddRange(plan.Events);
            rotationsSeen += plan.Events.Count(e => e.Reason == SigningKeyEvents.Rotated);
            Removals += plan.Events.Count(e => e.Reason == SigningKeyEvents.Removed);
            var revoked = plan.Desired.Keys.Where(k => k.State == SigningKeyState.Revoked).Select(k => k.KeyId).ToHashSet();
            mustVerify.RemoveAll(m => revoked.Contains(m.Token.Kid));
            nextReconcile = now + plan.RequeueAfter;
            tokensOfOldKeysChanged = false;
        }

        private void Issue(SimKey key, string reason)
        {
            Assert.True(Store.TryGetCurrent(out var signing), "no published current key to sign with");
            var now = Time.GetUtcNow();
            if (key.Token is { } previous)
            {
                if (previous.Kid != signing.KeyId)
                {
                    tokensOfOldKeysChanged = true;
                }

                // The replaced token stays in use: an expiring one until its expiry; a re-minted one for the overlap (a
                // workload that read it at start keeps it until its next restart); a never-expiring one renewed for other
                // reasons at least through kubelet's sync.
                var until = reason is IssuanceReasons.SigningKeyRotated or IssuanceReasons.SigningKeyLost
                    ? now + Store.Settings.NeverExpiringOverlap
                    : previous.ExpiresAt ?? now + SigningKeySettings.MinimumOverlap;
                if (previous.ExpiresAt is { } exp && exp < until)
                {
                    until = exp;
                }

                if (reason != IssuanceReasons.SigningKeyLost && !Store.View!.Set.Keys.Any(k => k.KeyId == previous.Kid && k.State == SigningKeyState.Revoked))
                {
                    mustVerify.Add((previous, until, $"replaced {key.Name} ({reason})"));
                }

                mustVerify.RemoveAll(m => ReferenceEquals(m.Token, previous) && m.Why == "current");
            }

            if (reason is IssuanceReasons.SigningKeyRotated or IssuanceReasons.SigningKeyLost)
            {
                Remints.Add((key.Name, reason));
            }

            key.Token = Sign(signing, key.Validity);
            key.Revision++;
            mustVerify.Add((key.Token, key.Token.ExpiresAt ?? DateTimeOffset.MaxValue, "current"));
        }

        private Token Sign(SigningKeyMaterial signing, long validity)
        {
            var issued = issuer.Issue(AccessTokenType.Jwt, new TokenRequest
            {
                Issuer = "https://i",
                ConsumerKey = "ck",
                ValidityPeriodSeconds = validity,
                Application = new ApplicationInfo("a", "ns", "id", "o", "t"),
                SigningKey = signing,
            });
            return new Token(signing.KeyId, signing.AlgorithmName, issued.IssuedAt, issued.ExpiresAt, issued.AccessToken.Reveal());
        }

        private void Verify(DateTimeOffset now)
        {
            mustVerify.RemoveAll(m => m.ValidUntil <= now);
            foreach (var (token, _, why) in mustVerify)
            {
                if (!verifierKids.Contains(token.Kid) && !(now < forgiveUntil && !forgivenKids.Contains(token.Kid)))
                {
                    rejections.Add($"{now:O}: {why} token signed by {token.Kid} rejected (verifier has {string.Join(",", verifierKids)})");
                }
            }
        }
    }
}
