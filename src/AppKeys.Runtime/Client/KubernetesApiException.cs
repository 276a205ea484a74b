using System.Net;
using k8s.Models;

namespace AppKeys.Runtime.Client;

/// <summary>
/// A non-success answer of the API server, with its HTTP status code and the <c>Status</c> body when there was one.
/// The message holds the server's message only (the server never echoes object data in it).
/// </summary>
public sealed class KubernetesApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KubernetesApiException(HttpStatusCode statusCode, V1Status? status, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Status = status;
    }

    /// <summary>Creates the exception (for serializers and tests).</summary>
    public KubernetesApiException()
        : this(HttpStatusCode.InternalServerError, null, "Kubernetes API error")
    {
    }

    /// <summary>Creates the exception (for serializers and tests).</summary>
    public KubernetesApiException(string message)
        : this(HttpStatusCode.InternalServerError, null, message)
    {
    }

    /// <summary>Creates the exception (for serializers and tests).</summary>
    public KubernetesApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = HttpStatusCode.InternalServerError;
    }

    /// <summary>HTTP status code (or the <c>code</c> of an in-stream watch error).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The server's Status object, if any.</summary>
    public V1Status? Status { get; }

    /// <summary>The Status reason, e.g. <c>Conflict</c>, <c>AlreadyExists</c>, <c>Expired</c>.</summary>
    public string? Reason => Status?.Reason;

    /// <summary>True for 409 Conflict with reason Conflict (stale resourceVersion): retry after a re-read.</summary>
    public bool IsConflict => StatusCode == HttpStatusCode.Conflict && Reason != "AlreadyExists";

    /// <summary>True for 409 AlreadyExists.</summary>
    public bool IsAlreadyExists => StatusCode == HttpStatusCode.Conflict && Reason == "AlreadyExists";

    /// <summary>True for 404.</summary>
    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

    /// <summary>True for 410 Gone / Expired (resourceVersion or continue token too old).</summary>
    public bool IsGone => StatusCode == HttpStatusCode.Gone;
}
