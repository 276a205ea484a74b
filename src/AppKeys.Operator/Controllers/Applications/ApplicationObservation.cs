using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Operator.Controllers.Applications;

/// <summary>Everything an Application's plan is made from, as read (never mutated: it may come from the caches).</summary>
/// <param name="Application">The Application.</param>
/// <param name="Secret">The Secret named by <c>spec.secretName</c>, whoever owns it; null when there is none.</param>
/// <param name="Former">The Secret under the name status records, when that differs (a rename); null when there is none.</param>
/// <param name="TakenElsewhere">Whether a consumer key is recorded by another Application anywhere in the cluster.</param>
public sealed record ApplicationObservation(
    V1Alpha1Application Application,
    V1Secret? Secret,
    V1Secret? Former,
    Func<string, bool> TakenElsewhere);
