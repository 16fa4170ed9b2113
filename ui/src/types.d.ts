declare module "dmn-js/lib/Modeler" {
  const DmnModeler: new (options: Record<string, unknown>) => unknown;
  export default DmnModeler;
}
declare module "ajv-i18n/localize/zh" {
  import type { ErrorObject } from "ajv";
  const localize: (errors?: null | ErrorObject[]) => void;
  export default localize;
}
