namespace Preference.Training.Common;

/// <summary>A stage config that can say what is wrong with it, each problem starting with the key's name.</summary>
public interface IValidatedConfig
{
    IEnumerable<string> Problems();
}
