using System.Reflection;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Preference.Models.Lora;

/// <summary>
/// Replaces a registered child module in place: both the parent's registry (so names and state_dict follow) and the
/// field its forward pass reads. Models declare their projections as <c>nn.Module&lt;Tensor, Tensor&gt;</c> for this.
/// </summary>
static class ModuleSwap
{
    const BindingFlags InstanceFields = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    public static void Replace(nn.Module parent, string childName, nn.Module current, nn.Module replacement)
    {
        var field = FieldHolding(parent, current)
            ?? throw new InvalidOperationException(
                $"{parent.GetType().Name} keeps '{childName}' somewhere other than a field (a list?); it cannot be swapped");
        if (!field.FieldType.IsInstanceOfType(replacement))
            throw new InvalidOperationException(
                $"{parent.GetType().Name}.{field.Name} is declared as {field.FieldType.Name}; declare it as nn.Module<Tensor, Tensor> so it can be wrapped");
        // Readonly instance fields accept reflection writes; the model never reassigns them itself.
        field.SetValue(parent, replacement);
        // register_module refuses a taken name; the registry's indexer replaces in place and keeps the order.
        var registry = (OrderedDict<string, nn.Module>)RegistryField.GetValue(parent)!;
        registry[childName] = replacement;
    }

    static readonly FieldInfo RegistryField =
        typeof(nn.Module).GetField("_internal_submodules", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new MissingFieldException("TorchSharp's Module no longer keeps _internal_submodules; ModuleSwap needs updating");

    static FieldInfo? FieldHolding(nn.Module parent, nn.Module child)
    {
        for (var type = parent.GetType(); type is not null && type != typeof(nn.Module); type = type.BaseType)
            foreach (var field in type.GetFields(InstanceFields))
                if (ReferenceEquals(field.GetValue(parent), child)) return field;
        return null;
    }
}
