namespace AppKeys.LocalApiServer.Resources;

/// <summary>The <c>fieldValidation</c> query parameter: what to do with unknown or duplicate fields.</summary>
public enum FieldValidationMode
{
    /// <summary>Drop them silently.</summary>
    Ignore,

    /// <summary>Drop them and answer with a <c>Warning</c> header (kube's default).</summary>
    Warn,

    /// <summary>Reject the request with 400 BadRequest.</summary>
    Strict,
}
