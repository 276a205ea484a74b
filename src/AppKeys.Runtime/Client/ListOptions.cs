namespace AppKeys.Runtime.Client;

/// <summary>Options of a list request.</summary>
/// <param name="LabelSelector">Label selector, e.g. <c>app.kubernetes.io/managed-by=appkeys</c>.</param>
/// <param name="FieldSelector">Field selector, e.g. <c>metadata.name=x</c>.</param>
/// <param name="Limit">Page size; null lists everything in one response.</param>
/// <param name="Continue">Continue token from a previous page.</param>
/// <param name="ResourceVersion">Resource version to list at (<c>0</c> = any cached state).</param>
public sealed record ListOptions(
    string? LabelSelector = null,
    string? FieldSelector = null,
    int? Limit = null,
    string? Continue = null,
    string? ResourceVersion = null);
