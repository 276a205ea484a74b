using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Controllers.Applications;
using AppKeys.Runtime.Status;

namespace AppKeys.Operator.Controllers;

/// <summary>
/// May this key hold credentials of its Application now? Decided from the Application's spec (what it grants, so a
/// narrowing takes effect at once) and its status (what the operator recorded), never from a Secret. The reasons that
/// withdraw access (<see cref="Withdraws"/>) make the key's Secret go away; the others only wait.
/// </summary>
public static class Entitlement
{
    public static NotReady? Check(EffectiveKeySpec key, V1Alpha1Application? application)
    {
        if (application is null || application.Metadata.DeletionTimestamp is not null)
        {
            return new NotReady(ConditionReasons.ApplicationNotFound, $"Application {key.ApplicationName} not found in namespace {key.Namespace}");
        }

        var spec = EffectiveApplicationSpec.From(application);
        if (!spec.KeyTypes.Contains(key.KeyType, StringComparer.Ordinal))
        {
            return new NotReady(
                ConditionReasons.KeyTypeNotEnabled,
                $"Application {spec.Name} does not enable key type {key.KeyType} (enabled: {string.Join(", ", spec.KeyTypes)})");
        }

        if (spec.AllowedScopes is { } allowed && key.Scopes.Where(s => !allowed.Contains(s, StringComparer.Ordinal)).ToList() is { Count: > 0 } refused)
        {
            return new NotReady(
                ConditionReasons.ScopeNotAllowed,
                $"Scopes not allowed by Application {spec.Name}: {string.Join(", ", refused)} (allowed: {string.Join(", ", allowed)})");
        }

        // The Application's own verdict, as its reconciler recorded it.
        if (Conditions.Find(application.Status?.Conditions, ConditionTypes.Ready) is { Status: ConditionStatus.False } notReady)
        {
            return new NotReady(ConditionReasons.ApplicationNotReady, $"Application {spec.Name} is not Ready ({notReady.Reason}): {notReady.Message}");
        }

        return null;
    }

    /// <summary>Reasons for which the key's token and consumer secret must leave its Secret at once.</summary>
    public static bool Withdraws(string reason) =>
        reason is ConditionReasons.ApplicationNotFound or ConditionReasons.KeyTypeNotEnabled or ConditionReasons.ScopeNotAllowed;
}
