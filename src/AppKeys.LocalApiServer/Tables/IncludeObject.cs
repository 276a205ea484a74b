namespace AppKeys.LocalApiServer.Tables;

/// <summary>The <c>includeObject</c> query parameter of a Table request (default Metadata).</summary>
public enum IncludeObject
{
    None,
    Metadata,
    Object,
}
