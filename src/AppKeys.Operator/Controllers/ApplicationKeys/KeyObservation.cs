using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>Everything a key's plan is made from, as read (never mutated: it may come from the caches).</summary>
/// <param name="Key">The ApplicationKey.</param>
/// <param name="Secret">The Secret named <c>spec.secretName</c>, whoever owns it; null when there is none.</param>
/// <param name="Former">Secrets under the other names the key's status records as written by the operator, those that still exist.</param>
/// <param name="Application">The referenced Application; null when there is none.</param>
/// <param name="ApplicationSecret">The Application's credentials Secret (<c>status.secretName</c>), when cached.</param>
public sealed record KeyObservation(
    V1Alpha1ApplicationKey Key,
    V1Secret? Secret,
    IReadOnlyList<V1Secret> Former,
    V1Alpha1Application? Application,
    V1Secret? ApplicationSecret);
