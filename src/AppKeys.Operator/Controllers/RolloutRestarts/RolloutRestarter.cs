using System.Net;
using System.Text.Json.Nodes;
using AppKeys.Operator.Apis;
using AppKeys.Runtime.Client;
using k8s.Models;

namespace AppKeys.Operator.Controllers.RolloutRestarts;

/// <summary>What the rollout restart step of a reconcile leaves: records for status, the condition, events, when next.</summary>
public sealed record RolloutRestartOutcome(IReadOnlyList<V1Alpha1RolloutRestartStatus> Records, ConditionSpec? Condition, IReadOnlyList<PlannedEvent> Events, DateTimeOffset? Next)
{
    public static readonly RolloutRestartOutcome None = new([], null, [], null);
}

/// <summary>
/// The rollout restart step of both reconcilers (after the Secret write, before status): GETs only the targets that
/// are due (<see cref="RolloutRestartPlanner.Due"/>), decides with the planner and patches each at most once, as
/// <c>kubectl rollout restart</c> does (a strategic merge patch of the pod template's restartedAt). Only in the
/// resource's own namespace. Never throws for a target: a 403, a 404 or any API failure becomes its record, so the
/// resource's own work (the token, its status) never fails for a workload.
/// </summary>
public sealed class RolloutRestarter(
    IResourceClient<V1Deployment> deployments,
    IResourceClient<V1StatefulSet> statefulSets,
    IResourceClient<V1DaemonSet> daemonSets,
    RolloutRestartSettings settings,
    ILogger<RolloutRestarter> logger)
{
    public RolloutRestartSettings Settings => settings;

    /// <param name="namespace">The resource's namespace: the only one a target is looked for in.</param>
    /// <param name="secretName">The resource's Secret: a target must use it.</param>
    /// <param name="targets">spec.rolloutRestartTargets.</param>
    /// <param name="records">status.rolloutRestarts as observed.</param>
    /// <param name="content">The content id of the Secret after this reconcile's write.</param>
    /// <param name="why">Why the content changed (for messages and the event).</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public async Task<RolloutRestartOutcome> ApplyAsync(string @namespace, string secretName, IList<V1Alpha1RolloutRestartTarget>? targets, IList<V1Alpha1RolloutRestartStatus>? records, string content, string why, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var wanted = RolloutRestartPlanner.Distinct(targets).ToList();
        if (wanted.Count == 0)
        {
            return RolloutRestartOutcome.None with { Events = RolloutRestartPlanner.Summarize([], records, [], why).Events };
        }

        var due = RolloutRestartPlanner.Due(wanted, records, content);
        var result = new List<V1Alpha1RolloutRestartStatus>();
        var restarted = new List<V1Alpha1RolloutRestartTarget>();
        DateTimeOffset? next = null;
        foreach (var target in wanted)
        {
            var record = RolloutRestartPlanner.Find(records, target);
            if (!due.Contains(target))
            {
                result.Add(RolloutRestartPlanner.Copy(record)!);
                continue;
            }

            var observation = await ObserveAsync(@namespace, secretName, target, cancellationToken);
            var decision = RolloutRestartPlanner.Decide(target, record, content, observation, why, now, settings);
            if (decision.Patch)
            {
                var failure = await PatchAsync(@namespace, target, decision.At, cancellationToken);
                if (failure is null)
                {
                    restarted.Add(target);
                    logger.LogInformation("Restarted {Kind} {Namespace}/{Name}: {Why}", target.Kind, @namespace, target.Name, why);
                }
                else
                {
                    decision = RolloutRestartPlanner.PatchFailed(decision, record, content, failure, why, now, settings);
                }
            }

            if (decision.Record.Result is RolloutRestartResults.Forbidden or RolloutRestartResults.Failed)
            {
                logger.LogWarning("Rollout restart of {Kind} {Namespace}/{Name}: {Message}", target.Kind, @namespace, target.Name, decision.Record.Message);
            }

            result.Add(decision.Record);
            next = decision.Next is { } n && (next is null || n < next) ? n : next;
        }

        var (condition, events) = RolloutRestartPlanner.Summarize(result, records, restarted, why);
        return new RolloutRestartOutcome(result, condition, events, next);
    }

    private async Task<TargetObservation> ObserveAsync(string @namespace, string secretName, V1Alpha1RolloutRestartTarget target, CancellationToken cancellationToken)
    {
        try
        {
            V1PodTemplateSpec? template;
            switch (target.Kind)
            {
                case WorkloadKinds.Deployment:
                    var deployment = await deployments.GetAsync(target.Name, @namespace, cancellationToken);
                    template = deployment?.Spec?.Template ?? (deployment is null ? null : new V1PodTemplateSpec());
                    break;
                case WorkloadKinds.StatefulSet:
                    var statefulSet = await statefulSets.GetAsync(target.Name, @namespace, cancellationToken);
                    template = statefulSet?.Spec?.Template ?? (statefulSet is null ? null : new V1PodTemplateSpec());
                    break;
                case WorkloadKinds.DaemonSet:
                    var daemonSet = await daemonSets.GetAsync(target.Name, @namespace, cancellationToken);
                    template = daemonSet?.Spec?.Template ?? (daemonSet is null ? null : new V1PodTemplateSpec());
                    break;
                default:
                    return TargetObservation.Failing(RolloutRestartResults.Failed, $"kind {target.Kind} is not Deployment, StatefulSet or DaemonSet");
            }

            if (template is null)
            {
                return TargetObservation.Missing;
            }

            var restartedAt = template.Metadata?.Annotations is { } annotations && annotations.TryGetValue(RolloutRestartPlanner.RestartedAtAnnotation, out var at)
                ? RolloutRestartPlanner.ParseRestartedAt(at)
                : null;
            return new TargetObservation(true, SecretUse.Uses(template.Spec, secretName), restartedAt);
        }
        catch (KubernetesApiException e)
        {
            return Failure(e);
        }
    }

    /// <summary>Patches the pod template's restartedAt; null on success, else the failure as an observation.</summary>
    private async Task<TargetObservation?> PatchAsync(string @namespace, V1Alpha1RolloutRestartTarget target, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RolloutRestartPlanner.RestartedAtAnnotation] = Rfc3339.ToString(at) } } } },
        }.ToJsonString();
        var patch = new ResourcePatch(body, ResourcePatchType.StrategicMergePatch);
        try
        {
            _ = target.Kind switch
            {
                WorkloadKinds.Deployment => (object)await deployments.PatchAsync(target.Name, @namespace, patch, cancellationToken),
                WorkloadKinds.StatefulSet => await statefulSets.PatchAsync(target.Name, @namespace, patch, cancellationToken),
                _ => await daemonSets.PatchAsync(target.Name, @namespace, patch, cancellationToken),
            };
            return null;
        }
        catch (KubernetesApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return TargetObservation.Missing;
        }
        catch (KubernetesApiException e)
        {
            return Failure(e);
        }
    }

    private static TargetObservation Failure(KubernetesApiException e) =>
        TargetObservation.Failing(
            e.StatusCode == HttpStatusCode.Forbidden ? RolloutRestartResults.Forbidden : RolloutRestartResults.Failed,
            $"{(int)e.StatusCode} {e.Reason ?? e.StatusCode.ToString()}");
}
