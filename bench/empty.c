/*
 * empty.c - a program that does nothing, for bench/run's start-up floor:
 * built once alone and once linked (--no-as-needed) against ddns-update's
 * libraries, it shows what loading those libraries costs by itself.
 */
int
main(void)
{
	return 0;
}
