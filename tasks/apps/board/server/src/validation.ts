// Request shapes (zod). Strings are trimmed here; rules that need the database (unique names,
// membership, workflow) live in the domain modules.

import { z } from 'zod';
import {
  COMMENT_MAX_LENGTH,
  DESCRIPTION_MAX_LENGTH,
  ESTIMATES,
  ISSUE_GROUPS,
  ISSUE_SORTS,
  LABEL_COLORS,
  MAX_PAGE_SIZE,
  PAGE_SIZE,
  PRIORITY_ORDER,
  ROLES,
  STATUS_ORDER,
  TITLE_MAX_LENGTH,
  type IssueGroup,
  type IssueSort,
  type LabelColor,
  type Priority,
  type Role,
  type Status,
} from '../../shared/api';
import { isCalendarDate } from './domain/dates';
import type { IssueFilters } from './domain/issueList';

const enumOf = <T extends string>(values: readonly T[]) => z.enum(values as [T, ...T[]]);

const statusSchema = enumOf<Status>(STATUS_ORDER);
const prioritySchema = enumOf<Priority>(PRIORITY_ORDER);
const roleSchema = enumOf<Role>(ROLES);
const colorSchema = enumOf<LabelColor>(LABEL_COLORS);
const idSchema = z.number().int().positive();

const calendarDate = z.string().trim().refine(isCalendarDate, { message: 'must be a date (YYYY-MM-DD)' });
const estimateSchema = z
  .number()
  .int()
  .refine((value) => (ESTIMATES as readonly number[]).includes(value), { message: `must be one of ${ESTIMATES.join(', ')}` });
const titleSchema = z
  .string()
  .trim()
  .min(1, 'Title cannot be empty')
  .max(TITLE_MAX_LENGTH, `Title is longer than ${TITLE_MAX_LENGTH} characters`);
const descriptionSchema = z.string().max(DESCRIPTION_MAX_LENGTH, `Description is longer than ${DESCRIPTION_MAX_LENGTH} characters`);
const nameSchema = (max: number) => z.string().trim().min(1, 'Name cannot be empty').max(max, `Name is longer than ${max} characters`);
const issueKeySchema = z.string().trim().regex(/^[A-Za-z]{2,5}-\d{1,9}$/, 'must be an issue key like WEB-12');

export const loginSchema = z.object({
  email: z.string().trim().min(1, 'Enter your email'),
  password: z.string().min(1, 'Enter your password'),
});

export const updateMeSchema = z.object({
  name: nameSchema(80).optional(),
  time_zone: z.string().trim().min(1).optional(),
  notification_prefs: z
    .object({
      assigned: z.boolean().optional(),
      mentioned: z.boolean().optional(),
      status_changed: z.boolean().optional(),
      commented: z.boolean().optional(),
    })
    .optional(),
});

export const updateMemberSchema = z.object({ role: roleSchema });

export const updateWorkspaceSchema = z.object({ name: nameSchema(60) });

export const createProjectSchema = z.object({
  key: z.string().trim().regex(/^[A-Za-z]{2,5}$/, 'The key must be 2 to 5 letters'),
  name: nameSchema(80),
  description: z.string().max(2000).optional(),
  lead_id: idSchema.nullable().optional(),
});

export const updateProjectSchema = z.object({
  name: nameSchema(80).optional(),
  description: z.string().max(2000).optional(),
  lead_id: idSchema.nullable().optional(),
  archived: z.boolean().optional(),
});

export const addProjectMemberSchema = z.object({ user_id: idSchema });

const issueFields = {
  description: descriptionSchema.optional(),
  status: statusSchema.optional(),
  priority: prioritySchema.optional(),
  assignee_id: idSchema.nullable().optional(),
  label_ids: z.array(idSchema).max(20, 'At most 20 labels').optional(),
  estimate: estimateSchema.nullable().optional(),
  due_date: calendarDate.nullable().optional(),
  cycle_id: idSchema.nullable().optional(),
  parent_key: issueKeySchema.nullable().optional(),
};

export const createIssueSchema = z.object({ title: titleSchema, ...issueFields });
export const updateIssueSchema = z.object({ title: titleSchema.optional(), ...issueFields });

export const moveIssueSchema = z.object({
  status: statusSchema,
  before: issueKeySchema.optional(),
  after: issueKeySchema.optional(),
});

export const createRelationSchema = z.object({
  type: z.enum(['blocks', 'blocked_by', 'relates']),
  issue_key: issueKeySchema,
});

export const commentSchema = z.object({
  body: z.string().trim().min(1, 'A comment cannot be empty').max(COMMENT_MAX_LENGTH, `A comment is at most ${COMMENT_MAX_LENGTH} characters`),
});

export const createCycleSchema = z.object({
  name: z.string().max(60).optional(),
  starts_on: calendarDate,
  ends_on: calendarDate,
});

export const updateCycleSchema = z.object({
  name: nameSchema(60).optional(),
  starts_on: calendarDate.optional(),
  ends_on: calendarDate.optional(),
});

export const createLabelSchema = z.object({ name: nameSchema(40), color: colorSchema });
export const updateLabelSchema = z.object({ name: nameSchema(40).optional(), color: colorSchema.optional() });

export const createViewSchema = z.object({
  name: nameSchema(60),
  query: z.string().max(1000),
  project_key: z.string().trim().nullable().optional(),
});

// ---------------------------------------------------------------------------------------------
// Query strings: "a,b" and repeated parameters (?status=a&status=b) both make lists.

function toList(value: unknown): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((part) => String(part).split(','));
  const cleaned = parts.map((part) => part.trim()).filter((part) => part !== '');
  return cleaned.length > 0 ? cleaned : undefined;
}

const listOf = <T extends z.ZodTypeAny>(item: T) => z.preprocess(toList, z.array(item).optional());
const single = (value: unknown) => (Array.isArray(value) ? value[value.length - 1] : value === '' ? undefined : value);

const assigneeItem = z.union([z.literal('me'), z.literal('none'), z.coerce.number().int().positive()]);

export const issueListQuerySchema = z.object({
  status: listOf(statusSchema),
  assignee: listOf(assigneeItem),
  label: listOf(z.coerce.number().int().positive()),
  priority: listOf(prioritySchema),
  overdue: z.preprocess(single, z.enum(['true', 'false', '1', '0']).optional()),
  cycle: z.preprocess(single, z.union([z.literal('active'), z.literal('none'), z.coerce.number().int().positive()]).optional()),
  sort: z.preprocess(single, enumOf<IssueSort>(ISSUE_SORTS).optional()),
  group: z.preprocess(single, enumOf<IssueGroup>(ISSUE_GROUPS).optional()),
  cursor: z.preprocess(single, z.string().optional()),
  limit: z.preprocess(single, z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional()),
});

export function toIssueFilters(query: z.infer<typeof issueListQuerySchema>, defaultSort: IssueSort): IssueFilters {
  return {
    status: query.status,
    assignee: query.assignee,
    label: query.label,
    priority: query.priority,
    overdue: query.overdue === 'true' || query.overdue === '1',
    cycle: query.cycle,
    sort: query.sort ?? defaultSort,
    group: query.group,
    cursor: query.cursor,
    limit: query.limit ?? PAGE_SIZE,
  };
}

export const notificationQuerySchema = z.object({
  unread: z.preprocess(single, z.enum(['true', 'false', '1', '0']).optional()),
  cursor: z.preprocess(single, z.string().optional()),
  limit: z.preprocess(single, z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional()),
});

export const searchQuerySchema = z.object({
  q: z.preprocess(single, z.string().optional()),
});
