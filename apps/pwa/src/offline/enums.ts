import {
  type AttendanceStatus,
  attendanceStatusEnum,
  badgeStatusEnum,
  distributionStatusEnum,
  sectionEnum,
  type TripDirection,
  tripDirectionEnum,
} from '@wampums/schema';

/** The enumerated values of the schema, in the order the screens offer them. */
export const ATTENDANCE_STATUSES: readonly AttendanceStatus[] = attendanceStatusEnum.options;
export const TRIP_DIRECTIONS: readonly TripDirection[] = tripDirectionEnum.options;
export const SECTIONS = sectionEnum.options;
export const BADGE_STATUSES = badgeStatusEnum.options;
export const DISTRIBUTION_STATUSES = distributionStatusEnum.options;
