using k8s.Models;

namespace AppKeys.Operator.Controllers;

/// <summary>
/// The one write of a Secret a plan asks for: a create, or an update of the version read (<see cref="Desired"/> carries
/// that resourceVersion, so a Secret changed since it was read gives 409 and the reconcile starts again).
/// </summary>
public sealed record SecretWrite(V1Secret Desired, bool Create);
