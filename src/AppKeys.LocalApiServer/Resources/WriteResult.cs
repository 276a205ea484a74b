using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Resources;

/// <summary>The answer to a write: the object (or Status) to return, its HTTP code and any warnings.</summary>
public sealed record WriteResult(JsonObject Body, int Code, IReadOnlyList<string> Warnings);
