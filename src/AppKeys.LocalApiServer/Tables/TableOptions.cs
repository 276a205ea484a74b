namespace AppKeys.LocalApiServer.Tables;

/// <summary>How to render a Table: what each row carries, the clock for ages, and the list metadata.</summary>
public sealed record TableOptions
{
    public IncludeObject IncludeObject { get; init; } = IncludeObject.Metadata;

    /// <summary>The instant ages are computed against (inject the server's TimeProvider).</summary>
    public required DateTimeOffset Now { get; init; }

    public string? ResourceVersion { get; init; }

    public string? Continue { get; init; }

    /// <summary>False for watch events after the first, which kube sends without column definitions.</summary>
    public bool IncludeColumnDefinitions { get; init; } = true;

    /// <summary>
    /// Parses the <c>includeObject</c> query value; null/empty means Metadata. Returns false for anything else
    /// (the server answers 400).
    /// </summary>
    public static bool TryParseIncludeObject(string? value, out IncludeObject includeObject)
    {
        switch (value)
        {
            case null or "" or "Metadata":
                includeObject = IncludeObject.Metadata;
                return true;
            case "None":
                includeObject = IncludeObject.None;
                return true;
            case "Object":
                includeObject = IncludeObject.Object;
                return true;
            default:
                includeObject = IncludeObject.Metadata;
                return false;
        }
    }
}
