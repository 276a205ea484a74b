using AppKeys.Runtime.Status;
using k8s.Models;

namespace AppKeys.Runtime.Tests.Status;

public class ConditionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(5).AddMilliseconds(750);

    public static TheoryData<string, string, string, long, bool, DateTime> Cases() => new()
    {
        // status, reason, message, generation → changed?, lastTransitionTime
        { "True", "Ready", "ok", 1, false, T0.UtcDateTime },
        { "True", "Ready", "ok", 2, true, T0.UtcDateTime },
        { "True", "StillReady", "ok", 1, true, T0.UtcDateTime },
        { "True", "Ready", "different", 1, true, T0.UtcDateTime },
        { "False", "Failed", "broken", 1, true, T0.AddMinutes(5).UtcDateTime },
        { "Unknown", "Ready", "ok", 1, true, T0.AddMinutes(5).UtcDateTime },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Keeps_last_transition_time_unless_the_status_flips_and_always_records_observed_generation(
        string status, string reason, string message, long generation, bool changed, DateTime transition)
    {
        var conditions = new List<V1Condition>();
        Assert.True(Conditions.Set(conditions, "Ready", ConditionStatus.True, "Ready", "ok", 1, T0));

        Assert.Equal(changed, Conditions.Set(conditions, "Ready", status, reason, message, generation, T1));

        var condition = Assert.Single(conditions);
        Assert.Equal(status, condition.Status);
        Assert.Equal(reason, condition.Reason);
        Assert.Equal(message, condition.Message);
        Assert.Equal(generation, condition.ObservedGeneration);
        Assert.Equal(transition, condition.LastTransitionTime);
    }

    [Fact]
    public void Finds_by_type_and_keeps_other_types()
    {
        var conditions = new List<V1Condition>();
        Conditions.Set(conditions, "Ready", true, "Ready", "ok", 3, T0);
        Conditions.Set(conditions, "SecretSynced", false, "Pending", "waiting", 3, T0);
        Assert.Equal(ConditionStatus.True, Conditions.Find(conditions, "Ready")!.Status);
        Assert.Equal(ConditionStatus.False, Conditions.Find(conditions, "SecretSynced")!.Status);
        Assert.Null(Conditions.Find(conditions, "Missing"));
        Assert.Equal(2, conditions.Count);
    }

    [Fact]
    public void On_a_conditioned_status_sets_observed_generation_always_and_keeps_the_transition_time_unless_the_status_flips()
    {
        var status = new TestStatus();
        Assert.True(Conditions.Set(status, "Ready", true, "Issued", "ok", 1, T0));
        Assert.Equal(1, status.ObservedGeneration);
        var ready = Assert.Single(status.Conditions!);
        Assert.Equal((ConditionStatus.True, 1L, T0.UtcDateTime), (ready.Status, ready.ObservedGeneration!.Value, ready.LastTransitionTime));

        // Nothing new: no change to write.
        Assert.False(Conditions.Set(status, "Ready", true, "Issued", "ok", 1, T1));

        // Only the generation moved (a spec edit that changed nothing else): still a change, recorded in both places.
        Assert.True(Conditions.Set(status, "Ready", true, "Issued", "ok", 2, T1));
        Assert.Equal(2, status.ObservedGeneration);
        Assert.Equal((2L, T0.UtcDateTime), (ready.ObservedGeneration!.Value, ready.LastTransitionTime));

        // The status flips: new transition time (whole seconds).
        Assert.True(Conditions.Set(status, "Ready", false, "Expired", "token expired", 2, T1));
        Assert.Equal(T0.AddMinutes(5).UtcDateTime, ready.LastTransitionTime);

        // A status whose generation was stale is brought up to date even when the condition is unchanged.
        status.ObservedGeneration = 1;
        Assert.True(Conditions.Set(status, "Ready", false, "Expired", "token expired", 2, T1));
        Assert.Equal(2, status.ObservedGeneration);
    }

    [Fact]
    public void Copy_is_deep_so_setting_on_the_copy_leaves_the_observed_list_alone()
    {
        var observed = new List<V1Condition> { new() { Type = "Ready", Status = "True", Reason = "Issued", Message = "ok", ObservedGeneration = 1, LastTransitionTime = T0.UtcDateTime } };

        var copy = Conditions.Copy(observed);
        Assert.True(Conditions.Set(copy, "Ready", false, "Expired", "token expired", 2, T1));
        Assert.True(Conditions.Set(copy, "Synced", true, "Written", "ok", 2, T1));

        var original = Assert.Single(observed);
        Assert.Equal(("True", "Issued", "ok", 1L, T0.UtcDateTime), (original.Status, original.Reason, original.Message, original.ObservedGeneration!.Value, original.LastTransitionTime));
        Assert.Equal(2, copy.Count);
        Assert.Empty(Conditions.Copy(null));
    }

    private sealed class TestStatus : IConditionedStatus
    {
        public IList<V1Condition>? Conditions { get; set; }

        public long? ObservedGeneration { get; set; }
    }
}
