namespace AppKeys.LocalApiServer.Lists;

/// <summary>The query of a list or watch request as the server parsed it (kube's metav1.ListOptions; the operator's client has its own <c>AppKeys.Runtime.Client.ListOptions</c>).</summary>
public sealed record ListQuery
{
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    public long? Limit { get; init; }

    public string? Continue { get; init; }

    public string? ResourceVersion { get; init; }

    public string? ResourceVersionMatch { get; init; }
}
