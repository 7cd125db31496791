/**
 * The model test the column tests share: random pushes and sets applied to a column and to
 * a plain array alike (a set at a place taken modulo the length; none while empty).
 */
import fc from 'fast-check';

export type ColumnOp<T> = { push: T } | { set: number; to: T };

export interface WritableColumn<T> {
  push(v: T): void;
  set(row: number, v: T): void;
}

/** Pushes and sets of `value`s. */
export function columnOps<T>(value: fc.Arbitrary<T>): fc.Arbitrary<ColumnOp<T>> {
  return fc.oneof(fc.record({ push: value }), fc.record({ set: fc.nat(), to: value }));
}

/** `ops` applied to `col` and to `model` (which it returns). */
export function applyOps<T>(col: WritableColumn<T>, ops: readonly ColumnOp<T>[], model: T[] = []): T[] {
  for (const o of ops) {
    if ('push' in o) {
      col.push(o.push);
      model.push(o.push);
    } else if (model.length > 0) {
      col.set(o.set % model.length, o.to);
      model[o.set % model.length] = o.to;
    }
  }
  return model;
}
