namespace AppKeys.LocalApiServer.Patching;

/// <summary>
/// A patch could not be applied. <see cref="StatusCode"/> is what kube-apiserver answers: 400 (BadRequest) for a
/// malformed patch document, 422 (Invalid / unprocessable) for a well-formed patch that does not apply.
/// </summary>
public sealed class PatchException : Exception
{
    public PatchException()
        : this("patch could not be applied", 422)
    {
    }

    public PatchException(string message)
        : this(message, 422)
    {
    }

    public PatchException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 422;
    }

    public PatchException(string message, int statusCode)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>400 or 422.</summary>
    public int StatusCode { get; }
}
