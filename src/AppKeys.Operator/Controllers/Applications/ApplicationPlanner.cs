using AppKeys.Operator.Apis;
using AppKeys.Runtime.Events;
using k8s.Models;

namespace AppKeys.Operator.Controllers.Applications;

/// <summary>
/// What an Application's Secret and status should be, from what was observed and the injected time and sources.
/// Pure and total. In order: the spec; a foreign Secret in the way (never touched); then the credentials
/// (<see cref="ApplicationCredentialsPlanner"/>: identity from status, the Secret repaired from it), taken from the
/// Secret under the current name or, after a rename, from the one under the former name, which then goes.
/// </summary>
public static class ApplicationPlanner
{
    public static ApplicationPlan Plan(ApplicationObservation observed, ApplicationPlanContext context)
    {
        var app = observed.Application;
        if (ApplicationValidator.Validate(app) is { } invalid)
        {
            return NotReady(app, invalid, context.Now, null);
        }

        var spec = EffectiveApplicationSpec.From(app);
        if (observed.Secret is { } foreign && !Ownership.IsControlledBy(foreign, app))
        {
            var conflict = new NotReady(ConditionReasons.SecretConflict, $"Secret {spec.SecretName} exists and is not owned by this Application; it is left untouched");
            return NotReady(app, conflict, context.Now, context.Now + Rechecks.Conflict);
        }

        var own = observed.Secret;
        var former = observed.Former is { } f && f.Metadata.Name != spec.SecretName && Ownership.IsControlledBy(f, app) ? f : null;
        var source = own ?? former;
        var recorded = app.Status;

        // An operator that kept no digests left the honoured request only on the Secret: read there this once.
        var migrating = recorded?.Keys is not { Count: > 0 } keys || keys.Any(k => k.SecretHash is null);
        var observedRequest = recorded?.ObservedRegenerateRequest ?? (migrating ? source?.Metadata.Annotation(AppKeysAnnotations.ObservedRequest) : null);

        var plan = ApplicationCredentialsPlanner.Plan(
            new CredentialsObservation(source?.Data, recorded, observedRequest, app.Metadata.Annotation(AppKeysAnnotations.RegenerateSecret), spec.KeyTypes, spec.Rotation, context.Now, observed.TakenElsewhere),
            context.Sources);
        var desired = ApplicationSecretBuilder.Build(app, spec, plan, own);
        var write = own is null ? new SecretWrite(desired, Create: true)
            : ManagedSecrets.UpToDate(own, desired) ? null
            : new SecretWrite(desired, Create: false);
        IReadOnlyList<SecretDelete> deletes = former is null
            ? []
            : [new SecretDelete(former.Metadata.Name, former.Metadata.Uid, former.Metadata.ResourceVersion, $"the credentials moved to {spec.SecretName}")];

        return new ApplicationPlan(
            write,
            deletes,
            ApplicationStatusBuilder.Ready(app, spec, plan, new V1Alpha1WrittenSecret { Name = spec.SecretName, Uid = own?.Metadata.Uid, ResourceVersion = own?.Metadata.ResourceVersion }, context.Now),
            Events(spec, plan, own, former, hadRecord: recorded?.Keys is { Count: > 0 }),
            plan.NextChange,
            plan.Regenerated,
            plan.Tampered.Count > 0);
    }

    private static ApplicationPlan NotReady(V1Alpha1Application app, NotReady problem, DateTimeOffset now, DateTimeOffset? next)
    {
        var warning = WarningEvents.OnTransition(app.Status?.Conditions, problem);
        return new ApplicationPlan(null, [], ApplicationStatusBuilder.NotReady(app, problem, now), warning is null ? [] : [warning], next, new Dictionary<string, string>(), false);
    }

    private static List<PlannedEvent> Events(EffectiveApplicationSpec spec, ApplicationCredentialsPlan plan, V1Secret? own, V1Secret? former, bool hadRecord)
    {
        var events = new List<PlannedEvent>();
        if (former is not null)
        {
            events.Add(new PlannedEvent(EventTypes.Normal, "CredentialsMoved", $"Credentials moved from Secret {former.Metadata.Name} to Secret {spec.SecretName}; consumer keys and secrets are unchanged"));
        }

        if (plan.Generated.Count > 0)
        {
            var generated = string.Join(", ", plan.Generated.Select(k => $"{k} consumer key {plan.ConsumerKeys[k]}"));
            events.Add(new PlannedEvent(EventTypes.Normal, "CredentialsGenerated", $"Generated {generated} in Secret {spec.SecretName}"));
        }

        if (plan.Tampered.Count > 0)
        {
            events.Add(new PlannedEvent(EventTypes.Warning, "CredentialsTampered", $"Secret {spec.SecretName} disagreed with the Application's record ({string.Join(", ", plan.Tampered)}); repaired from status, the identity is unchanged"));
        }

        var lost = plan.Regenerated.Where(r => r.Value == RegenerationReasons.Lost).Select(r => r.Key).ToList();
        if (own is null && former is null && hadRecord)
        {
            var unrecoverable = lost.Count == 0 ? "" : $"; the consumer secrets of {string.Join(", ", lost)} could not be recovered and were regenerated";
            events.Add(new PlannedEvent(EventTypes.Warning, "CredentialsRestored", $"Secret {spec.SecretName} was missing: recreated with the recorded application id and consumer keys{unrecoverable}"));
        }
        else if (lost.Count > 0)
        {
            events.Add(new PlannedEvent(EventTypes.Warning, "CredentialsRestored", $"The consumer secrets of {string.Join(", ", lost)} were missing from Secret {spec.SecretName} and were regenerated; consumer keys are unchanged"));
        }

        var tampered = plan.Regenerated.Where(r => r.Value == RegenerationReasons.Tampered).Select(r => r.Key).ToList();
        if (tampered.Count > 0)
        {
            events.Add(new PlannedEvent(EventTypes.Warning, "CredentialsTampered", $"The consumer secrets of {string.Join(", ", tampered)} in Secret {spec.SecretName} were not generated by the operator (their digest differs from status) and were regenerated; consumer keys are unchanged"));
        }

        var normal = plan.Regenerated.Where(r => !RegenerationReasons.IsRepair(r.Value)).ToList();
        if (normal.Count > 0)
        {
            var keyTypes = string.Join(", ", normal.Select(r => $"{r.Key} ({r.Value})"));
            var previous = normal.Select(r => r.Key).Where(plan.PreviousSecretExpiresAt.ContainsKey).ToList();
            var grace = previous.Count == 0
                ? "the previous secret is no longer valid"
                : "the previous secret stays valid until " + string.Join(", ", previous.Select(k => $"{Rfc3339.ToString(plan.PreviousSecretExpiresAt[k])} ({k})"));
            events.Add(new PlannedEvent(EventTypes.Normal, "ConsumerSecretRegenerated", $"Regenerated the consumer secret of {keyTypes}; consumer keys are unchanged; {grace}"));
        }

        if (plan.PreviousExpired.Count > 0)
        {
            events.Add(new PlannedEvent(EventTypes.Normal, "PreviousConsumerSecretExpired", $"The previous consumer secret of {string.Join(", ", plan.PreviousExpired)} expired and was removed from Secret {spec.SecretName}"));
        }

        return events;
    }
}
