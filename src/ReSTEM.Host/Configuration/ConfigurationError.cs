namespace ReSTEM.Host.Configuration;

/// <summary>Bad configuration or input: the message names the key or file and what is allowed. Exit code 2.</summary>
public sealed class ConfigurationError : Exception
{
    /// <summary>Creates the error.</summary>
    public ConfigurationError(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
