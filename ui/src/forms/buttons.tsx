// rjsf's array buttons draw Bootstrap 3 glyph icons, which certflow does not load: they showed
// as empty boxes. Here each is a plain button that says what it does (添加, 删除, 上移…).
import type { ComponentType } from "react";
import { TranslatableString } from "@rjsf/utils";
import type { IconButtonProps } from "@rjsf/utils";

function textButton(label: TranslatableString, extraClass = ""): ComponentType<IconButtonProps> {
  function TextButton(props: IconButtonProps) {
    const { iconType: _iconType, icon: _icon, className, uiSchema: _uiSchema, registry, ...rest } = props;
    const text = registry.translateString(label);
    return (
      <button type="button" {...rest} className={`btn btn-small ${extraClass} ${className ?? ""}`.trim()} title={text}>
        {text}
      </button>
    );
  }
  return TextButton;
}

export const textButtonTemplates = {
  AddButton: textButton(TranslatableString.AddItemButton),
  RemoveButton: textButton(TranslatableString.RemoveButton, "btn-quiet"),
  MoveUpButton: textButton(TranslatableString.MoveUpButton, "btn-quiet"),
  MoveDownButton: textButton(TranslatableString.MoveDownButton, "btn-quiet"),
  CopyButton: textButton(TranslatableString.CopyButton, "btn-quiet"),
  ClearButton: textButton(TranslatableString.ClearButton, "btn-quiet"),
};
