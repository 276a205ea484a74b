namespace AppKeys.LocalApiServer.Selectors;

/// <summary>
/// A label or field selector could not be parsed. <see cref="Exception.Message"/> is the exact text
/// kube-apiserver puts into its 400 BadRequest answer.
/// </summary>
public sealed class SelectorParseException : Exception
{
    public SelectorParseException()
    {
    }

    public SelectorParseException(string message)
        : base(message)
    {
    }

    public SelectorParseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
