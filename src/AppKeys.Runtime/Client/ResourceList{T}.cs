namespace AppKeys.Runtime.Client;

/// <summary>One page of a list response.</summary>
/// <typeparam name="T">Object type.</typeparam>
/// <param name="Items">The objects.</param>
/// <param name="ResourceVersion">The list's resourceVersion: a watch started from it misses nothing.</param>
/// <param name="Continue">Token for the next page, or null on the last page.</param>
public sealed record ResourceList<T>(IReadOnlyList<T> Items, string ResourceVersion, string? Continue);
