using System.Text;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Tests.TestSupport;
using AppKeys.Runtime;
using k8s.Models;

namespace AppKeys.Operator.Tests.ApplicationKeys;

/// <summary>
/// <see cref="KeyPlanner"/> as a table: an observed world (built by steps from a key holding its first token), the
/// time, and what the plan must do — the Secret write, the deletes, the Ready reason, the reason of a new token.
/// </summary>
public class KeyPlannerTests
{
    private const string ConsumerKey = "CK0123456789012345678901234a";
    private const string ConsumerSecret = "consumer-secret-0123456789abcdefghijklmnopqrstu";

    /// <summary>One observed world: the key with its record, its Secret as the operator wrote it, its Application.</summary>
    public sealed record World(V1Alpha1ApplicationKey Key, V1Secret? Secret, IReadOnlyList<V1Secret> Former, V1Alpha1Application? Application, V1Secret ApplicationSecret, TimeSpan Elapsed)
    {
        public KeyObservation Observation => new(Key, Secret, Former, Application, ApplicationSecret);
    }

    private static int minted;

    private static KeyPlanContext Context(TimeSpan elapsed) => new(
        TestObjects.Now + elapsed,
        new IssuerSettings("https://issuer.test", [], "ES256"),
        inputs =>
        {
            var n = Interlocked.Increment(ref minted);
            var issuedAt = TestObjects.Now + elapsed;
            var token = $"opaque-token-{n}-abcdefghijklmnopqrstuvwxyz";
            return new IssuedToken(new SecretValue(token), AccessTokenType.Opaque, TokenFingerprint.Compute(token), issuedAt, ValidityPolicy.ExpiresAt(issuedAt, inputs.ValidityPeriod), null);
        });

    private static V1Alpha1Application Application(Action<V1Alpha1ApplicationSpec>? configure = null)
    {
        var app = TestObjects.Application(s => { s.TokenType = TokenTypes.Opaque; configure?.Invoke(s); });
        app.Status = new V1Alpha1ApplicationStatus
        {
            ApplicationId = Guid.Empty.ToString(),
            SecretName = "shop-credentials",
            Keys = [new V1Alpha1ApplicationKeyEntry { KeyType = KeyTypes.Production, ConsumerKey = ConsumerKey, SecretHash = Hashes.Of(ConsumerSecret) }],
        };
        return app;
    }

    private static V1Secret ApplicationSecret(string consumerSecret = ConsumerSecret) => new()
    {
        Metadata = new V1ObjectMeta { Name = "shop-credentials", NamespaceProperty = "default", OwnerReferences = [Controllers.Ownership.ControllerReference(Application())] },
        Data = new Dictionary<string, byte[]>
        {
            ["applicationId"] = Encoding.UTF8.GetBytes(Guid.Empty.ToString()),
            ["production.consumerKey"] = Encoding.UTF8.GetBytes(ConsumerKey),
            ["production.consumerSecret"] = Encoding.UTF8.GetBytes(consumerSecret),
        },
    };

    /// <summary>A key that holds its first token: the plan of an empty world, applied (Secret written, status recorded).</summary>
    private static World Issued()
    {
        var key = TestObjects.Key();
        var world = new World(key, null, [], Application(), ApplicationSecret(), TimeSpan.Zero);
        var plan = KeyPlanner.Plan(world.Observation, Context(TimeSpan.Zero));
        var secret = KubernetesObjects.Clone(plan.Secret!.Desired);
        secret.Metadata.Uid = "secret-uid-1";
        secret.Metadata.ResourceVersion = "10";
        var status = plan.Status!;
        status.Secrets = [new V1Alpha1WrittenSecret { Name = secret.Metadata.Name, Uid = "secret-uid-1", ResourceVersion = "10" }];
        key = KubernetesObjects.Clone(key);
        key.Status = status;
        return world with { Key = key, Secret = secret };
    }

    private static V1Secret Edit(V1Secret secret, Action<V1Secret> edit)
    {
        var copy = KubernetesObjects.Clone(secret);
        edit(copy);
        copy.Metadata.ResourceVersion = "11";
        return copy;
    }

    public static TheoryData<string, Func<World>, string?, int, string, string?> Cases => new()
    {
        // name, world, Secret write ("create"/"update"/null), deletes, Ready reason, new token's reason
        { "first issuance", () => new World(TestObjects.Key(), null, [], Application(), ApplicationSecret(), TimeSpan.Zero), "create", 0, ConditionReasons.Issued, IssuanceReasons.Initial },
        { "steady state writes nothing", Issued, null, 0, ConditionReasons.Issued, null },
        { "renewal time reached", () => Issued() with { Elapsed = TimeSpan.FromMinutes(40) }, "update", 0, ConditionReasons.Issued, IssuanceReasons.Expiring },
        { "key type withdrawn", () => Issued() with { Application = Application(s => s.KeyTypes = [KeyTypes.Sandbox]) }, null, 1, ConditionReasons.KeyTypeNotEnabled, null },
        { "scope withdrawn", () => Issued() with { Key = With(Issued().Key, k => k.Spec.Scopes = ["write"]), Application = Application(s => s.AllowedScopes = ["read"]) }, null, 1, ConditionReasons.ScopeNotAllowed, null },
        { "application deleted", () => Issued() with { Application = null }, null, 1, ConditionReasons.ApplicationNotFound, null },
        { "application not Ready withdraws nothing", () => Issued() with { Application = NotReady(Application()) }, null, 0, ConditionReasons.ApplicationNotReady, null },
        { "annotations tampered: rewritten, no new token", () => Issued() is var w ? w with { Secret = Edit(w.Secret!, s => s.Metadata.Annotations[AppKeysAnnotations.TokenId] = "FAKE") } : w, "update", 0, ConditionReasons.Issued, null },
        { "token replaced, 5 s later", () => Issued() is var w ? w with { Secret = Edit(w.Secret!, s => s.Data["accessToken"] = "x"u8.ToArray()), Elapsed = TimeSpan.FromSeconds(5) } : w, "update", 0, ConditionReasons.Issued, IssuanceReasons.SecretTampered },
        { "token replaced, at once: rate limited", () => Issued() is var w ? w with { Secret = Edit(w.Secret!, s => s.Data["accessToken"] = "x"u8.ToArray()) } : w, null, 0, ConditionReasons.IssuanceRateLimited, null },
        { "owner reference removed: taken back", () => Issued() is var w ? w with { Secret = Edit(w.Secret!, s => s.Metadata.OwnerReferences = null) } : w, "update", 0, ConditionReasons.Issued, null },
        { "foreign Secret under the name", () => Issued() is var w ? w with { Secret = Edit(w.Secret!, s => { s.Metadata.OwnerReferences = null; s.Metadata.Uid = "someone-else"; }) } : w, null, 0, ConditionReasons.SecretConflict, null },
        { "renamed: the token moves", () => Issued() is var w ? w with { Key = With(w.Key, k => k.Spec.SecretName = "renamed"), Secret = null, Former = [w.Secret!] } : w, "create", 1, ConditionReasons.Issued, null },
        { "consumer secret regenerated, Application's Secret mid-update: wait", () => Issued() with { ApplicationSecret = ApplicationSecret("regenerated-0123456789abcdefghijklmnopqrstuv") }, null, 0, "", null },
        { "invalid spec keeps the token", () => Issued() is var w ? w with { Key = With(w.Key, k => k.Spec.ValidityPeriod = 1) } : w, null, 0, ConditionReasons.InvalidSpec, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan(string name, Func<World> world, string? write, int deletes, string reason, string? issued)
    {
        var observed = world();
        var plan = KeyPlanner.Plan(observed.Observation, Context(observed.Elapsed));

        Assert.True(write == (plan.Secret is null ? null : plan.Secret.Create ? "create" : "update"), $"{name}: Secret write {(plan.Secret is null ? "none" : plan.Secret.Create ? "create" : "update")}");
        Assert.True(deletes == plan.Deletes.Count, $"{name}: {plan.Deletes.Count} deletes");
        Assert.True(plan.Deletes.All(d => d.Uid.Length > 0 && d.ResourceVersion is not null), $"{name}: a delete without preconditions");
        Assert.True(issued == plan.Issued, $"{name}: issued {plan.Issued ?? "nothing"}");
        var ready = plan.Status?.Conditions?.Single(c => c.Type == "Ready");
        Assert.True(reason == (ready?.Reason ?? ""), $"{name}: Ready reason {ready?.Reason ?? "(status untouched)"}");
        if (plan.Secret is { } s)
        {
            Assert.Equal(plan.Status!.TokenId, TokenIdentity.Of(TokenIdentity.AccessToken(s.Desired)!, TokenTypes.Opaque));
        }
    }

    [Fact]
    public void The_token_is_minted_for_the_key_uid_which_the_issuance_hash_leaves_out()
    {
        IssuanceInputs? seen = null;
        var context = Context(TimeSpan.Zero);
        var plan = KeyPlanner.Plan(
            new KeyObservation(TestObjects.Key(), null, [], Application(), ApplicationSecret()),
            context with { Mint = inputs => context.Mint(seen = inputs) });

        Assert.Equal(IssuanceReasons.Initial, plan.Issued);
        Assert.Equal("key-uid-1", seen?.KeyUid);
        // Keys whose token predates the binding are not all re-issued on upgrade: the uid is not a hashed input.
        Assert.Equal((seen! with { KeyUid = null }).Hash(), seen.Hash());
        Assert.Equal(seen.Hash(), plan.Status!.IssuanceHash);
    }

    [Fact]
    public void Revoke_revokes_the_recorded_token_first_then_issues_once_per_value_and_renew_never_revokes()
    {
        var issued = Issued();
        var recorded = issued.Key.Status!;

        // A renew request: a new token, nothing revoked.
        var renew = With(issued.Key, k => k.SetAnnotation(AppKeysAnnotations.Renew, "r1"));
        var renewal = KeyPlanner.Plan((issued with { Key = renew }).Observation, Context(TimeSpan.FromSeconds(5)));
        Assert.Equal(IssuanceReasons.RenewRequested, renewal.Issued);
        Assert.Null(renewal.Revoke);

        // A revoke request: the recorded token (id and expiry) is to be revoked, a new token issued with reason Revoked.
        var revoke = With(issued.Key, k => k.SetAnnotation(AppKeysAnnotations.Revoke, "leaked"));
        var plan = KeyPlanner.Plan((issued with { Key = revoke }).Observation, Context(TimeSpan.FromSeconds(5)));
        Assert.Equal(new TokenRevocation(recorded.TokenId!, new DateTimeOffset(DateTime.SpecifyKind(recorded.ExpiresAt!.Value, DateTimeKind.Utc)), 1), plan.Revoke);
        Assert.Equal(IssuanceReasons.Revoked, plan.Issued);
        Assert.Equal(2, plan.Status!.Revision);
        Assert.NotEqual(recorded.TokenId, plan.Status.TokenId);
        Assert.Equal(Hashes.Of("leaked"), plan.Status.ObservedRevokeRequest);

        // Once recorded, the same value does nothing more; a new value revokes the new token.
        var handled = With(revoke, k => k.Status = plan.Status);
        var again = KeyPlanner.Plan(new KeyObservation(handled, plan.Secret!.Desired, [], issued.Application, issued.ApplicationSecret), Context(TimeSpan.FromSeconds(60)));
        Assert.Null(again.Revoke);
        Assert.Null(again.Issued);
        var next = KeyPlanner.Plan(new KeyObservation(With(handled, k => k.SetAnnotation(AppKeysAnnotations.Revoke, "leaked-again")), plan.Secret!.Desired, [], issued.Application, issued.ApplicationSecret), Context(TimeSpan.FromSeconds(60)));
        Assert.Equal(plan.Status.TokenId, next.Revoke?.TokenId);

        // Inside the user-action rate limit the revocation is not delayed; only the new token waits.
        var limited = KeyPlanner.Plan((issued with { Key = revoke }).Observation, Context(TimeSpan.FromSeconds(1)));
        Assert.Equal(recorded.TokenId, limited.Revoke?.TokenId);
        Assert.Null(limited.Issued);
        Assert.Null(limited.Secret);
        Assert.Equal(TestObjects.Now + IssuanceRate.Requested, limited.Next);

        // The recorded token is revoked even when the Secret no longer holds it (another reason would win otherwise).
        var missing = KeyPlanner.Plan((issued with { Key = revoke, Secret = null }).Observation, Context(TimeSpan.FromSeconds(5)));
        Assert.Equal(recorded.TokenId, missing.Revoke?.TokenId);
        Assert.Equal(IssuanceReasons.Revoked, missing.Issued);

        // A key without a token has nothing to revoke: the first issuance records the value as honoured.
        var fresh = KeyPlanner.Plan(new KeyObservation(With(TestObjects.Key(), k => k.SetAnnotation(AppKeysAnnotations.Revoke, "at-creation")), null, [], issued.Application, issued.ApplicationSecret), Context(TimeSpan.Zero));
        Assert.Null(fresh.Revoke);
        Assert.Equal(IssuanceReasons.Initial, fresh.Issued);
        Assert.Equal(Hashes.Of("at-creation"), fresh.Status!.ObservedRevokeRequest);
    }

    private static V1Alpha1ApplicationKey With(V1Alpha1ApplicationKey key, Action<V1Alpha1ApplicationKey> edit)
    {
        var copy = KubernetesObjects.Clone(key);
        edit(copy);
        return copy;
    }

    private static V1Alpha1Application NotReady(V1Alpha1Application app)
    {
        app.Status.Conditions = [new V1Condition { Type = "Ready", Status = "False", Reason = ConditionReasons.InvalidSpec, Message = "bad" }];
        return app;
    }
}
