namespace AppKeys.Operator.Controllers;

/// <summary>
/// A Secret to delete, only if it is still the object the plan looked at: kube's DELETE preconditions on its uid and,
/// when known, resourceVersion (a Secret replaced or changed in between is left alone).
/// </summary>
public sealed record SecretDelete(string Name, string Uid, string? ResourceVersion, string Why);
