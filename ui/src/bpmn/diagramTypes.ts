// The few diagram-js services the UI uses, typed loosely (bpmn-js and dmn-js differ in typings).

export interface DiagramElement {
  id: string;
  type: string;
  businessObject: { id: string; name?: string; $type: string; [key: string]: unknown };
  waypoints?: unknown[];
  x?: number;
  y?: number;
  width?: number;
  height?: number;
}

export interface Canvas {
  zoom(level?: "fit-viewport" | number, center?: "auto" | { x: number; y: number }): number;
  addMarker(element: string | DiagramElement, marker: string): void;
  removeMarker(element: string | DiagramElement, marker: string): void;
  scrollToElement(element: string | DiagramElement, padding?: number): void;
  resized(): void;
  viewbox(box?: { x: number; y: number; width: number; height: number }): { x: number; y: number; width: number; height: number; scale: number };
}

export interface ElementRegistry {
  get(id: string): DiagramElement | undefined;
  getAll(): DiagramElement[];
}

export interface Overlays {
  add(element: string | DiagramElement, type: string, overlay: { position: Record<string, number>; html: HTMLElement | string }): string;
  remove(filter: { type?: string; element?: string | DiagramElement }): void;
}

export interface EventBus {
  on(event: string, callback: (event: { element?: DiagramElement; newSelection?: DiagramElement[] }) => void): void;
  off(event: string, callback: (...args: never[]) => void): void;
}

export interface DiagramInstance {
  importXML(xml: string): Promise<{ warnings: unknown[] }>;
  saveXML(options?: { format?: boolean }): Promise<{ xml?: string }>;
  get<T = unknown>(name: string): T;
  destroy(): void;
  on(event: string, callback: (...args: never[]) => void): void;
}
