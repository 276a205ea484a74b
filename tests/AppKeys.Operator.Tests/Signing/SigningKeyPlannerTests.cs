using AppKeys.Credentials;
using AppKeys.Operator.Signing;

namespace AppKeys.Operator.Tests.Signing;

public class SigningKeyPlannerTests
{
    internal static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    internal static readonly SigningKeySettings Settings = new(SigningKeyAlgorithm.ES256, TimeSpan.FromDays(30), TimeSpan.FromHours(1), TimeSpan.FromDays(30), TimeSpan.FromMinutes(5));

    private static readonly TimeSpan Tail = TimeSpan.FromMinutes(65);

    private static SigningKeyEntry Current(string kid = "cur", TimeSpan? age = null, SigningKeyAlgorithm alg = SigningKeyAlgorithm.ES256) =>
        new(kid, alg, SigningKeyState.Current, Now - (age ?? TimeSpan.FromDays(1)), ActivatedAt: Now - (age ?? TimeSpan.FromDays(1)));

    private static SigningKeyEntry Next(string kid = "nxt", TimeSpan? age = null, SigningKeyAlgorithm alg = SigningKeyAlgorithm.ES256) =>
        new(kid, alg, SigningKeyState.Next, Now - (age ?? TimeSpan.FromMinutes(10)));

    private static SigningKeyEntry Retired(string kid = "old", TimeSpan? ago = null, DateTimeOffset? keepUntil = null, bool pending = false) =>
        new(kid, SigningKeyAlgorithm.ES256, SigningKeyState.Retired, Now - TimeSpan.FromDays(60), Now - TimeSpan.FromDays(60), Now - (ago ?? TimeSpan.FromMinutes(1)), keepUntil, pending);

    private static SigningKeyPlanInput Input(
        SigningKeySet? held,
        SignedToken[]? tokens = null,
        string? rotate = null,
        string? revoke = null,
        string[]? published = null,
        SigningKeySettings? settings = null)
    {
        var n = 0;
        return new SigningKeyPlanInput(
            held,
            tokens ?? [],
            rotate,
            revoke,
            (published ?? held?.Keys.Select(k => k.KeyId).ToArray() ?? []).ToHashSet(StringComparer.Ordinal),
            TimeSpan.FromHours(1),
            Now,
            settings ?? Settings,
            alg => $"new{++n}-{alg}");
    }

    private static SigningKeySet Set(params SigningKeyEntry[] keys) => new(keys);

    /// <summary>"kid:State ... | Event Event": the key set and the event reasons, in order.</summary>
    private static string Summary(SigningKeyPlan plan) =>
        string.Join(' ', plan.Desired.Keys.Select(k => $"{k.KeyId}:{k.State}")) + " | " + string.Join(' ', plan.Events.Select(e => e.Reason));

    public static TheoryData<string, SigningKeyPlanInput, string> Cases => new()
    {
        { "first start: a current and a next key", Input(null), "new1-ES256:Current new2-ES256:Next | SigningKeyCreated SigningKeyPublished" },
        { "first start, live tokens of a lost key", Input(null, [new("gone", null)]), "new1-ES256:Current new2-ES256:Next | SigningKeyCreated SigningKeyLost SigningKeyPublished" },
        { "steady", Input(Set(Current(), Next(age: TimeSpan.FromDays(1)))), "cur:Current nxt:Next | " },
        { "no next key: one is published", Input(Set(Current())), "cur:Current new1-ES256:Next | SigningKeyPublished" },
        { "not due yet, next published long ago", Input(Set(Current(age: TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1)), Next(age: TimeSpan.FromDays(30)))), "nxt:Next cur:Current | " },
        { "due, next published 59 min ago: waits", Input(Set(Current(age: TimeSpan.FromDays(31)), Next(age: TimeSpan.FromMinutes(59)))), "cur:Current nxt:Next | " },
        { "due, next published 1 h ago: rotates, a new next follows", Input(Set(Current(age: TimeSpan.FromDays(31)), Next(age: TimeSpan.FromHours(1)))), "cur:Retired nxt:Current new1-ES256:Next | SigningKeyRotated SigningKeyPublished" },
        { "due, next not in the ConfigMap yet: waits", Input(Set(Current(age: TimeSpan.FromDays(31)), Next(age: TimeSpan.FromHours(2))), published: ["cur"]), "cur:Current nxt:Next | " },
        { "rotate requested, next published 10 min ago: waits for the window", Input(Set(Current(), Next()), rotate: "1"), "cur:Current nxt:Next | SigningKeyRotationRequested" },
        { "rotate requested, next ready: rotates", Input(Set(Current(), Next(age: TimeSpan.FromHours(1))), rotate: "1"), "cur:Retired nxt:Current new1-ES256:Next | SigningKeyRotationRequested SigningKeyRotated SigningKeyPublished" },
        { "rotate request already honoured", Input(Set(Current(), Next(age: TimeSpan.FromHours(1))) with { ObservedRotateRequest = AppKeys.Operator.Controllers.Hashes.Of("1") }, rotate: "1"), "cur:Current nxt:Next | " },
        { "algorithm changed: next of the old algorithm replaced", Input(Set(Current(), Next(age: TimeSpan.FromDays(1))), settings: Settings with { Algorithm = SigningKeyAlgorithm.RS256 }), "cur:Current new1-RS256:Next | SigningKeyDiscarded SigningKeyPublished" },
        { "algorithm changed, next of the new algorithm ready: rotates", Input(Set(Current(), Next(age: TimeSpan.FromHours(1), alg: SigningKeyAlgorithm.RS256)), settings: Settings with { Algorithm = SigningKeyAlgorithm.RS256 }), "cur:Retired nxt:Current new1-RS256:Next | SigningKeyRotated SigningKeyPublished" },
        { "revoke the current key: the next key signs at once", Input(Set(Current(), Next()), revoke: "cur"), "cur:Revoked nxt:Current new1-ES256:Next | SigningKeyRevoked SigningKeyRotated SigningKeyPublished" },
        { "revoke the current key, no next: a new key signs at once", Input(Set(Current()), revoke: "cur"), "cur:Revoked new1-ES256:Current new2-ES256:Next | SigningKeyRevoked SigningKeyCreated SigningKeyPublished" },
        { "revoke the next key", Input(Set(Current(), Next()), revoke: "nxt"), "cur:Current nxt:Revoked new1-ES256:Next | SigningKeyRevoked SigningKeyPublished" },
        { "revoke a retired key", Input(Set(Retired(keepUntil: Now + TimeSpan.FromDays(1)), Current(), Next())), "old:Retired cur:Current nxt:Next | " },
        { "revoke a retired key (asked)", Input(Set(Retired(keepUntil: Now + TimeSpan.FromDays(1)), Current(), Next()), revoke: "old"), "old:Revoked cur:Current nxt:Next | SigningKeyRevoked" },
        { "revoke an unknown kid", Input(Set(Current(), Next()), revoke: "nope"), "cur:Current nxt:Next | SigningKeyRevokeIgnored" },
        { "retired, nothing signed, inside the tail", Input(Set(Retired(ago: TimeSpan.FromHours(2)), Current(), Next())), "old:Retired cur:Current nxt:Next | " },
        { "retired, nothing signed, past endpoint lifetime + skew + cache", Input(Set(Retired(ago: TimeSpan.FromHours(1) + Tail), Current(), Next())), "cur:Current nxt:Next | SigningKeyRemoved" },
        { "retired, a token it signed still valid", Input(Set(Retired(ago: TimeSpan.FromHours(3)), Current(), Next()), [new("old", Now + TimeSpan.FromMinutes(5))]), "old:Retired cur:Current nxt:Next | " },
        { "retired, never-expiring token waits for its re-mint", Input(Set(Retired(ago: TimeSpan.FromDays(90)), Current(), Next()), [new("old", null)]), "old:Retired cur:Current nxt:Next | " },
        { "retired, token outliving the overlap waits for its re-mint", Input(Set(Retired(ago: TimeSpan.FromDays(90)), Current(), Next()), [new("old", Now + TimeSpan.FromDays(365))]), "old:Retired cur:Current nxt:Next | " },
        { "retired, re-mint just finished: overlap starts", Input(Set(Retired(ago: TimeSpan.FromDays(90), pending: true), Current(), Next())), "old:Retired cur:Current nxt:Next | " },
        { "retired, overlap over", Input(Set(Retired(ago: TimeSpan.FromDays(90), keepUntil: Now), Current(), Next())), "cur:Current nxt:Next | SigningKeyRemoved" },
        { "revoked, kept for its bookkeeping", Input(Set(Current(), Next(), new("rev", SigningKeyAlgorithm.ES256, SigningKeyState.Revoked, Now - TimeSpan.FromDays(9), RetiredAt: Now - TimeSpan.FromDays(1), KeepUntil: Now + TimeSpan.FromDays(29)))), "rev:Revoked cur:Current nxt:Next | " },
        { "revoked, past its time", Input(Set(Current(), Next(), new("rev", SigningKeyAlgorithm.ES256, SigningKeyState.Revoked, Now - TimeSpan.FromDays(90), RetiredAt: Now - TimeSpan.FromDays(31), KeepUntil: Now))), "cur:Current nxt:Next | " },
        { "held set without a current key: next promoted", Input(Set(Next())), "nxt:Current new1-ES256:Next | SigningKeyRotated SigningKeyPublished" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plans(string name, SigningKeyPlanInput input, string expected)
    {
        var plan = SigningKeyPlanner.Plan(input);
        Assert.True(expected == Summary(plan), $"{name}: expected '{expected}', got '{Summary(plan)}'");
        Assert.Single(plan.Desired.Keys, k => k.State == SigningKeyState.Current);
        Assert.InRange(plan.RequeueAfter, TimeSpan.FromSeconds(1), SigningKeyPlanner.MaxRequeue + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Retire_time_counts_the_latest_expiry_plus_skew_and_cache()
    {
        var exp = Now + TimeSpan.FromHours(5);
        var plan = SigningKeyPlanner.Plan(Input(Set(Retired(), Current()), [new("old", exp), new("old", Now + TimeSpan.FromHours(2)), new("cur", null)]));
        Assert.Equal(exp + Tail, plan.Desired.Find("old")!.KeepUntil);
        Assert.False(plan.Desired.Find("old")!.RemintPending);
    }

    [Fact]
    public void Retire_time_counts_the_token_endpoint_lifetime_from_retirement()
    {
        var plan = SigningKeyPlanner.Plan(Input(Set(Retired(ago: TimeSpan.FromMinutes(10)), Current())));
        Assert.Equal(Now - TimeSpan.FromMinutes(10) + TimeSpan.FromHours(1) + Tail, plan.Desired.Find("old")!.KeepUntil);
    }

    [Fact]
    public void The_overlap_runs_from_the_last_re_mint()
    {
        var waiting = SigningKeyPlanner.Plan(Input(Set(Retired(ago: TimeSpan.FromDays(90)), Current()), [new("old", null)])).Desired;
        Assert.True(waiting.Find("old")!.RemintPending);

        var done = SigningKeyPlanner.Plan(Input(waiting)).Desired.Find("old")!;
        Assert.False(done.RemintPending);
        Assert.Equal(Now + Settings.NeverExpiringOverlap, done.KeepUntil);
    }

    [Fact]
    public void A_rotation_clears_the_request_and_the_next_one_is_a_period_later()
    {
        var plan = SigningKeyPlanner.Plan(Input(Set(Current(), Next(age: TimeSpan.FromHours(1))) with { RotationRequested = true }));
        Assert.False(plan.Desired.RotationRequested);
        Assert.Equal(Now + Settings.RotationPeriod, SigningKeyPlanner.Due(plan.Desired, Settings));
        Assert.Equal(Now, plan.Desired.Next!.CreatedAt);
        Assert.Equal(SigningKeyPlanner.MaxRequeue, plan.RequeueAfter);
    }

    [Fact]
    public void Requeues_at_the_rotation_time()
    {
        var plan = SigningKeyPlanner.Plan(Input(Set(Current(age: TimeSpan.FromDays(30) - TimeSpan.FromMinutes(30)), Next(age: TimeSpan.FromDays(29)))));
        Assert.InRange(plan.RequeueAfter, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));
        var waiting = SigningKeyPlanner.Plan(Input(Set(Current(age: TimeSpan.FromDays(31)), Next(age: TimeSpan.FromMinutes(45)))));
        Assert.InRange(waiting.RequeueAfter, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Planning_is_pure()
    {
        SigningKeyPlanInput Make() => Input(Set(Retired(), Current(age: TimeSpan.FromDays(31)), Next(age: TimeSpan.FromHours(2))), [new("old", Now + TimeSpan.FromHours(1))]);
        var input = Make();
        var first = SigningKeyPlanner.Plan(input);
        var second = SigningKeyPlanner.Plan(Make());
        Assert.Equal(Summary(first), Summary(second));
        Assert.True(first.Desired.Equivalent(second.Desired));
        Assert.Equal(3, input.Held!.Keys.Count);
        Assert.Equal(SigningKeyState.Current, input.Held.Find("cur")!.State);
    }

    [Fact]
    public void Events_name_kids_only()
    {
        var plan = SigningKeyPlanner.Plan(Input(null, [new("gone", null)]));
        Assert.All(plan.Events, e => Assert.DoesNotContain("PRIVATE", e.Message, StringComparison.Ordinal));
        Assert.Contains(plan.Events, e => e.Warning && e.Reason == SigningKeyEvents.Lost && e.Message.Contains("gone", StringComparison.Ordinal));
    }
}
