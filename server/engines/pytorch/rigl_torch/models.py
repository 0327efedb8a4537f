# The networks of server/nn/specs.ts in PyTorch, with the spec's layer names: torchvision's
# ResNet-18/34/50 (v1.5) for those, and this package's lenet-300-100, cnn-small, resnet20, wrn-22-2.
from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import torch
from torch import nn

from .plan import LayerPlan, PlanError


class Lenet300100(nn.Module):
    def __init__(self, inputs: int, classes: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(inputs, 300)
        self.fc2 = nn.Linear(300, 100)
        self.fc3 = nn.Linear(100, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc3(torch.relu(self.fc2(h)))


class CnnSmall(nn.Module):
    """Three 3×3 convolutions of 32 channels (with bias), each ReLU + 2×2 max-pool, then a classifier."""

    def __init__(self, input_shape: Sequence[int], classes: int) -> None:
        super().__init__()
        h, w, c = input_shape
        self.conv1 = nn.Conv2d(c, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 32, 3, padding=1)
        for _ in range(3):
            h, w = h // 2, w // 2
        self.fc = nn.Linear(h * w * 32, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for conv in (self.conv1, self.conv2, self.conv3):
            x = torch.max_pool2d(torch.relu(conv(x)), 2)
        # The spec (and the tfjs model) flattens NHWC features: same order here, so shapes agree.
        return self.fc(torch.flatten(x.permute(0, 2, 3, 1), 1))


def conv3x3(cin: int, cout: int, stride: int) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    """Post-activation basic block with a 1×1 projection shortcut where the shape changes (ResNet-20)."""

    def __init__(self, cin: int, width: int, stride: int) -> None:
        super().__init__()
        self.conv1 = conv3x3(cin, width, stride)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, width, 1)
        self.bn2 = nn.BatchNorm2d(width)
        self.downsample: Optional[nn.Conv2d] = None
        self.downsample_bn: Optional[nn.BatchNorm2d] = None
        if stride != 1 or cin != width:
            self.downsample = nn.Conv2d(cin, width, 1, stride=stride, bias=False)
            self.downsample_bn = nn.BatchNorm2d(width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        shortcut = x if self.downsample is None or self.downsample_bn is None else self.downsample_bn(self.downsample(x))
        return torch.relu(out + shortcut)


class PreActivationBlock(nn.Module):
    """BN → ReLU → conv → BN → ReLU → conv plus the input; the 1×1 shortcut reads the activated input (WRN)."""

    def __init__(self, cin: int, width: int, stride: int) -> None:
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = conv3x3(cin, width, stride)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, width, 1)
        self.downsample: Optional[nn.Conv2d] = nn.Conv2d(cin, width, 1, stride=stride, bias=False) if stride != 1 or cin != width else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        activated = torch.relu(self.bn1(x))
        out = self.conv2(torch.relu(self.bn2(self.conv1(activated))))
        return out + (self.downsample(activated) if self.downsample is not None else x)


class CifarResNet(nn.Module):
    def __init__(self, input_shape: Sequence[int], classes: int, widths: Sequence[int], pre_activation: bool) -> None:
        super().__init__()
        stem = 16
        self.pre_activation = pre_activation
        self.conv1 = conv3x3(input_shape[2], stem, 1)
        self.bn1: Optional[nn.BatchNorm2d] = None if pre_activation else nn.BatchNorm2d(stem)
        cin = stem
        block = PreActivationBlock if pre_activation else BasicBlock
        for stage, width in enumerate(widths):
            blocks: List[nn.Module] = []
            for b in range(3):
                blocks.append(block(cin, width, 2 if b == 0 and stage > 0 else 1))
                cin = width
            setattr(self, f"layer{stage + 1}", nn.Sequential(*blocks))
        self.bn_final: Optional[nn.BatchNorm2d] = nn.BatchNorm2d(cin) if pre_activation else None
        self.fc = nn.Linear(cin, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(x)
        if self.bn1 is not None:
            h = torch.relu(self.bn1(h))
        h = self.layer3(self.layer2(self.layer1(h)))
        if self.bn_final is not None:
            h = torch.relu(self.bn_final(h))
        return self.fc(torch.flatten(torch.mean(h, dim=(2, 3)), 1))


def init_own_model(model: nn.Module) -> None:
    """torchvision's ResNet initialisation: Kaiming-normal fan-out convolutions, BN 1/0; nn.Linear keeps PyTorch's default."""
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.BatchNorm2d):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)


def torchvision_resnet(model_name: str, classes: int) -> nn.Module:
    import torchvision  # only the ImageNet ResNets need it

    builders = {"resnet18": torchvision.models.resnet18, "resnet34": torchvision.models.resnet34, "resnet50": torchvision.models.resnet50}
    return builders[model_name](num_classes=classes)


def create_model(model_name: str, input_shape: Sequence[int], classes: int, seed: int) -> nn.Module:
    torch.manual_seed(seed)
    if model_name == "lenet-300-100":
        model: nn.Module = Lenet300100(int(input_shape[0] * input_shape[1] * input_shape[2]), classes)
    elif model_name == "cnn-small":
        model = CnnSmall(input_shape, classes)
    elif model_name == "resnet20":
        model = CifarResNet(input_shape, classes, [16, 32, 64], pre_activation=False)
    elif model_name == "wrn-22-2":
        model = CifarResNet(input_shape, classes, [32, 64, 128], pre_activation=True)
    elif model_name in ("resnet18", "resnet34", "resnet50"):
        return torchvision_resnet(model_name, classes)
    else:
        raise PlanError(f"model '{model_name}' is not one the PyTorch engine builds (lenet-300-100, cnn-small, resnet20, wrn-22-2, resnet18, resnet34, resnet50)")
    init_own_model(model)
    return model


def torch_parameter_name(model_name: str, layer_name: str) -> str:
    """The state-dict name of a spec layer's weight: torchvision keeps its downsample conv at index 0."""
    if model_name in ("resnet18", "resnet34", "resnet50") and layer_name.endswith(".downsample"):
        return f"{layer_name}.0.weight"
    return f"{layer_name}.weight"


def spec_layout_shape(weight: torch.Tensor) -> Tuple[int, ...]:
    """A torch weight's shape in the spec's layout: conv [kh, kw, cin, cout], dense [in, out]."""
    if weight.dim() == 4:
        cout, cin, kh, kw = weight.shape
        return (kh, kw, cin, cout)
    if weight.dim() == 2:
        out, inputs = weight.shape
        return (inputs, out)
    return tuple(weight.shape)


def masked_weights(model: nn.Module, model_name: str, layers: Sequence[LayerPlan]) -> List[nn.Parameter]:
    """The plan's layers as the model's weight parameters, in plan order, each checked against the plan."""
    params: Dict[str, nn.Parameter] = dict(model.named_parameters())
    maskable = [n for n, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    if len(maskable) != len(layers):
        raise PlanError(f"the {model_name} model has {len(maskable)} convolution/linear layers but the plan lists {len(layers)}")
    found: List[nn.Parameter] = []
    for layer in layers:
        key = torch_parameter_name(model_name, layer.name)
        weight = params.get(key)
        if weight is None:
            raise PlanError(f"plan layer {layer.name}: the {model_name} model has no parameter {key}")
        shape = spec_layout_shape(weight)
        if list(shape) != list(layer.shape) or weight.numel() != layer.params:
            raise PlanError(f"plan layer {layer.name}: the plan's shape is {layer.shape} ({layer.params} weights) but the model's {key} is {list(shape)} in the spec's layout")
        found.append(weight)
    return found


def is_batch_norm_parameter(model: nn.Module, name: str) -> bool:
    module_name = name.rsplit(".", 1)[0]
    module = dict(model.named_modules()).get(module_name)
    return isinstance(module, nn.modules.batchnorm._BatchNorm)
